using System.Collections.Immutable;

namespace GridSpan.Configure;

/// <summary>What converging one node changed. <see cref="Changed"/> is false when the node already equalled its bundle.</summary>
/// <param name="CommandsRun">The bundle's idempotent commands, run on every converge; they do not count as a change.</param>
public sealed record ConvergeReport(
    string NodeName,
    ImmutableArray<string> PackagesInstalled,
    ImmutableArray<string> FilesWritten,
    ImmutableArray<string> UnitsEnabled,
    ImmutableArray<string> UnitsRestarted,
    ImmutableArray<string> UnitsStarted,
    int CommandsRun,
    TimeSpan Elapsed)
{
    public bool Changed =>
        !PackagesInstalled.IsEmpty || !FilesWritten.IsEmpty || !UnitsEnabled.IsEmpty || !UnitsRestarted.IsEmpty || !UnitsStarted.IsEmpty;
}
