using System.Collections.Immutable;
using System.CommandLine;
using GridSpan.Cli.Views;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Provision;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan create -c FILE [--verbose]`: the cluster of a configuration, created or completed, and converged.</summary>
public static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var config = ClusterInput.ConfigOption("The cluster configuration file (cluster.yaml).");
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print every step of every node and each ssh command as it runs." };
        var command = new Command("create",
            "Create the cluster of a configuration and make every node ready: the sites' networks, security groups, key pairs, " +
            "ports and servers in parallel, then every static node configured over SSH (VPN, routes, DNS, shared storage, munge, " +
            "Slurm, SSH keys, MPI) with a live view per node. Safe to run again: after a failure or Ctrl-C it continues where it " +
            "stopped, and on a finished cluster it changes nothing and says so. Nodes removed from the configuration (a lowered " +
            "count, a removed worker group) lose their servers once the rest of the cluster no longer uses them. " +
            "State (plan, secrets, facts) is kept in " +
            "$GRIDSPAN_HOME/clusters/NAME (default ~/.gridspan).")
        {
            config,
            verbose,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var path = parseResult.GetValue(config)!.ToString();
            if (ClusterInput.Load(context, path) is not { } spec)
            {
                return ExitCode.InvalidConfig;
            }
            var plan = await ClusterInput.PlanAsync(context, spec, cloudsOptional: false, token).ConfigureAwait(false);
            var staticNodes = plan.Nodes.Where(n => !n.OnDemand).Select(n => n.Name).ToList();
            var view = new ConvergeProgressView(context.Error, staticNodes, parseResult.GetValue(verbose));
            var store = context.Store;
            var creator = new ClusterCreator(store, context.Providers, context.Runner)
            {
                TransportRunner = new ProcessCommandRunner(view.Trace),
                MasterBinary = new MasterBinary(context.Runner, Path.Combine(store.Home, "cache", "master-binary"),
                    context.Environment.Get(MasterBinary.OverrideVariable)),
            };
            var sites = plan.Sites.Length == 1 ? "1 site" : $"{plan.Sites.Length} sites";
            var observer = new CreateObserver
            {
                Prepared = cluster => context.Error.MarkupLine($"cluster [bold]{Markup.Escape(plan.Name)}[/] (id {Markup.Escape(cluster.State.ClusterId)}): " +
                    $"{staticNodes.Count} static nodes in {sites}, {plan.Nodes.Length - staticNodes.Count} on demand"),
                Resources = new ProvisionLines(context.Error),
                Provisioned = provisioned => context.Error.MarkupLine(provisioned.Created == 0
                    ? $"[grey]provision: every resource exists ({provisioned.Nodes.Length} servers active)[/]"
                    : $"provision: [green]{provisioned.Created} resources created[/], {provisioned.Nodes.Length} servers active"),
                Configuring = async configure =>
                {
                    ImmutableArray<ClusterConvergeResult> configured = [];
                    try
                    {
                        return configured = await view.RunAsync(progress => configure(progress)).ConfigureAwait(false);
                    }
                    finally
                    {
                        if (!configured.IsEmpty)
                        {
                            view.WriteSummary(Merge(configured));
                        }
                    }
                },
            };
            var outcome = await creator.CreateAsync(path, spec, plan, observer, token).ConfigureAwait(false);
            if (!outcome.Removed.IsEmpty)
            {
                context.Error.MarkupLine($"removed {outcome.Removed.Length} node(s) no longer in the configuration: {Markup.Escape(string.Join(", ", outcome.Removed))}");
            }
            var name = Markup.Escape(plan.Name);
            if (!outcome.Changed)
            {
                context.Out.MarkupLine($"cluster [bold]{name}[/]: no changes ({staticNodes.Count} nodes already as planned)");
            }
            else
            {
                context.Out.MarkupLine($"cluster [bold]{name}[/] is ready: {staticNodes.Count} nodes, master {Markup.Escape(plan.Master)} " +
                    $"at {Markup.Escape(outcome.MasterPublicAddress ?? "?")}");
            }
            context.Out.MarkupLine($"  a shell on the master: [bold]gridspan ssh {name}[/]; a job: [bold]gridspan ssh {name} -- srun -N2 hostname[/]");
            context.Out.MarkupLine($"  nodes and Slurm: [bold]gridspan status {name}[/]; remove everything: [bold]gridspan terminate {name}[/]");
            return ExitCode.Success;
        }, cancellationToken));
        return command;
    }

    private static ClusterConvergeResult Merge(ImmutableArray<ClusterConvergeResult> waves) =>
        new([.. waves.SelectMany(w => w.Reports)], [.. waves.SelectMany(w => w.Failures)], TimeSpan.FromTicks(waves.Sum(w => w.Elapsed.Ticks)));

    /// <summary>One line per resource created or server active; resources found are only counted.</summary>
    private sealed class ProvisionLines(IAnsiConsole console) : IProgress<ProvisionEvent>
    {
        private readonly Lock _lock = new();

        public void Report(ProvisionEvent value)
        {
            if (value.Action == ProvisionAction.Found)
            {
                return;
            }
            lock (_lock)
            {
                var what = value.Action switch
                {
                    ProvisionAction.Created => "[green]created[/]",
                    ProvisionAction.Active => "[green]active[/]",
                    _ => "[yellow]deleted[/]",
                };
                console.MarkupLine($"  {Markup.Escape(value.Site)}: {Kind(value.Kind)} {Markup.Escape(value.Name)} {what}");
            }
        }
    }

    public static string Kind(ResourceKind kind) => kind switch
    {
        ResourceKind.FloatingIp => "floating address",
        ResourceKind.SecurityGroup => "security group",
        ResourceKind.KeyPair => "key pair",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>"1 server", "4 floating addresses".</summary>
    public static string Count(ResourceKind kind, int count) =>
        count == 1 ? $"1 {Kind(kind)}" : $"{count} {Kind(kind)}{(kind == ResourceKind.FloatingIp ? "es" : "s")}";
}
