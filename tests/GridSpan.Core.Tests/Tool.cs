using System.Diagnostics;

namespace GridSpan.Core.Tests;

/// <summary>Runs a tool the suite relies on (installed by scripts/install-host-packages) and returns its output.</summary>
internal static class Tool
{
    /// <summary>The standard error of the last successful run (some tools report there).</summary>
    public static string LastError => _lastError.Value ?? "";

    private static readonly AsyncLocal<string?> _lastError = new();

    public static string Run(string program, IEnumerable<string> arguments, string input)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in 30 s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed with exit code {process.ExitCode}: {error.Result}");
        }
        _lastError.Value = error.Result;
        return output.Result;
    }
}
