using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Provision;
using Spectre.Console;

namespace GridSpan.Cli;

/// <summary>
/// What every verb gets, made once per process by <see cref="Compose"/> (Program.cs calls it): where to
/// write, the environment as it was at start, the providers this build knows, how to run commands, and
/// where clusters' state is kept. Library code gets what it needs from here; it reads no environment
/// variable and makes no runner of its own.
/// </summary>
/// <param name="Out">Standard output: results, tables, JSON.</param>
/// <param name="Error">Standard error: errors, warnings, progress.</param>
/// <param name="Environment">The process environment, read once; verbs take the variables they document from it.</param>
/// <param name="Providers">The providers compiled into this build, with the options the environment gives them.</param>
/// <param name="Runner">Runs the commands GridSpan starts on this machine (ssh, nsenter, scp, ...).</param>
/// <param name="Store">Where clusters' state is kept: $GRIDSPAN_HOME, else ~/.gridspan; unexpected failures are logged in its "logs".</param>
public sealed record CliContext(IAnsiConsole Out, IAnsiConsole Error, HostEnvironment Environment, ProviderRegistry Providers, ICommandRunner Runner,
    ClusterStateStore Store)
{
    /// <summary>The composition root: every service a run of gridspan uses, built from <paramref name="environment"/>.</summary>
    public static CliContext Compose(IAnsiConsole output, IAnsiConsole error, HostEnvironment environment) =>
        new(output, error, environment, new ProviderRegistry(ProviderCatalog.All(environment)), new ProcessCommandRunner(),
            ClusterStateStore.For(environment));
}
