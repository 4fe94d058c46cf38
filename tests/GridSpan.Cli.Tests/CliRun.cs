using System.Runtime.CompilerServices;
using GridSpan.Common;
using GridSpan.Testing;

namespace GridSpan.Cli.Tests;

/// <summary>Runs the real command tree in-process with consoles that write to strings.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>This process's environment, read once, as Program.cs reads it.</summary>
    public static HostEnvironment ProcessEnvironment { get; } = HostEnvironment.FromProcess();

    public static Task<CliRun> InvokeAsync(params string[] args) => InvokeAsync(ProcessEnvironment, args);

    /// <param name="environment">What the CLI sees as its environment: tests point GRIDSPAN_HOME and the like at their own directories.</param>
    public static async Task<CliRun> InvokeAsync(HostEnvironment environment, params string[] args)
    {
        var (exitCode, output, error) = await CliInProcess.RunAsync(environment, args).ConfigureAwait(false);
        return new CliRun(exitCode, output, error);
    }
}

/// <summary>Paths in the source tree, so tests use the real examples and write snapshots back.</summary>
internal static class SourceTree
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Output shows paths as given; this makes them read as if run from the repository root.</summary>
    public static string Relative(string text) => text.Replace(Root + "/", "", StringComparison.Ordinal);

    private static string FindRoot([CallerFilePath] string here = "")
    {
        var directory = new DirectoryInfo(System.IO.Path.GetDirectoryName(here)!);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "GridSpan.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("GridSpan.slnx not found above " + here);
    }
}

/// <summary>Compares text with a committed file; GRIDSPAN_UPDATE_SNAPSHOTS=1 rewrites the file instead.</summary>
internal static class Snapshot
{
    public static void Matches(string relativePath, string actual)
    {
        var path = SourceTree.Path(relativePath);
        if (Environment.GetEnvironmentVariable("GRIDSPAN_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{relativePath} does not exist; run the tests with GRIDSPAN_UPDATE_SNAPSHOTS=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
