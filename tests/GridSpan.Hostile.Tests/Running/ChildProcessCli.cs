using System.Diagnostics;
using System.Globalization;

namespace GridSpan.Hostile.Tests.Running;

/// <summary>
/// Runs `dotnet gridspan.dll ...` as a child process under /usr/bin/time, which reports its CPU time
/// and peak memory; a run still going after <see cref="KillAfter"/> is killed and counts as a hang.
/// </summary>
internal static class ChildProcessCli
{
    /// <summary>Far above the 5 s a run may take, so a loaded machine's slow start is not a hang; the CPU-time limit is the strict one.</summary>
    public static TimeSpan KillAfter { get; } = TimeSpan.FromSeconds(30);

    private static string Cli { get; } = Path.Combine(AppContext.BaseDirectory, "gridspan.dll");

    public static async Task<CliOutcome> RunAsync(string[] args, string workingDirectory)
    {
        var timeFile = Path.Combine(Path.GetTempPath(), $"gridspan-hostile-time-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("/usr/bin/time")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in (string[])["-f", "%e %U %S %M", "-o", timeFile, "dotnet", Cli, .. args])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["NO_COLOR"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("/usr/bin/time did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(KillAfter);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        var wall = clock.Elapsed;
        var (cpu, peak) = ReadTimes(timeFile);
        File.Delete(timeFile);
        return new CliOutcome(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false), wall, cpu, peak, timedOut);
    }

    /// <summary>/usr/bin/time writes "Command exited with non-zero status N" first when the exit code is not 0; the figures are on the last line.</summary>
    private static (TimeSpan? Cpu, long? PeakKiB) ReadTimes(string file)
    {
        if (!File.Exists(file) || File.ReadAllLines(file).LastOrDefault(l => l.Length > 0) is not { } line)
        {
            return (null, null);
        }
        var parts = line.Split(' ');
        if (parts.Length != 4)
        {
            return (null, null);
        }
        var user = double.Parse(parts[1], CultureInfo.InvariantCulture);
        var system = double.Parse(parts[2], CultureInfo.InvariantCulture);
        return (TimeSpan.FromSeconds(user + system), long.Parse(parts[3], CultureInfo.InvariantCulture));
    }
}
