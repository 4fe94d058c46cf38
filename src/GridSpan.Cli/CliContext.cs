using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Provision;
using Spectre.Console;

namespace GridSpan.Cli;

/// <summary>
/// What every verb gets, made once per process (the composition root is Program.cs): where to write,
/// the providers this build knows, how to run commands, and where clusters' state is kept.
/// </summary>
/// <param name="Out">Standard output: results, tables, JSON.</param>
/// <param name="Error">Standard error: errors, warnings, progress.</param>
/// <param name="CrashLogDirectory">Where an unexpected failure is logged in full; $GRIDSPAN_HOME/logs when null.</param>
public sealed record CliContext(IAnsiConsole Out, IAnsiConsole Error, ProviderRegistry Providers, string? CrashLogDirectory = null)
{
    /// <summary>Runs the commands GridSpan starts on this machine (ssh, nsenter, scp, ...).</summary>
    public ICommandRunner Runner { get; init; } = new ProcessCommandRunner();

    /// <summary>Where clusters' state is kept: $GRIDSPAN_HOME, else ~/.gridspan, read when the context is made.</summary>
    public ClusterStateStore Store { get; init; } = ClusterStateStore.Default();
}
