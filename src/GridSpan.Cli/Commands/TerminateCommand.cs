using System.Collections.Immutable;
using System.CommandLine;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Provision;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan terminate NAME [--yes]`: every resource of the cluster deleted in every site, checked gone, local state removed.</summary>
public static class TerminateCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The cluster's name." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var command = new Command("terminate",
            "Delete a cluster: every resource tagged with its id in every site, in dependency order (floating addresses, servers, ports, networks, " +
            "security groups, key pairs), then list each site again to prove nothing is left, print what was " +
            "deleted and remove the local state. Asks first unless --yes. Works from the clouds' tags, so it also cleans up " +
            "after a failed create, and finds a local-cloud cluster whose local state is lost.")
        {
            name,
            yes,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var clusterName = parseResult.GetValue(name)!;
            var store = context.Store;
            var state = store.Load(clusterName);
            ClusterWorkspace? cluster = null;
            try
            {
                IReadOnlyDictionary<string, ISiteProvider> providers;
                string clusterId;
                if (state is not null)
                {
                    cluster = ClusterWorkspace.Open(store, clusterName, context.Providers, context.Runner, context.Runner,
                        context.Environment.HomeDirectory);
                    providers = cluster.Providers;
                    clusterId = state.ClusterId;
                }
                else
                {
                    (clusterId, providers) = await FindWithoutStateAsync(context, clusterName, token).ConfigureAwait(false);
                }
                var found = await ClusterTerminator.ListAsync(clusterId, providers, token).ConfigureAwait(false);
                if (!parseResult.GetValue(yes))
                {
                    if (Console.IsInputRedirected)
                    {
                        throw GridSpanException.Failed($"terminating cluster '{clusterName}' needs confirmation, and there is no terminal to ask",
                            $"run `gridspan terminate {clusterName} --yes`");
                    }
                    if (!context.Error.Confirm($"Delete cluster [bold]{Markup.Escape(clusterName)}[/] ({found.Length} resources in {providers.Count} site(s)) and all its data?", false))
                    {
                        context.Error.MarkupLine("nothing deleted");
                        return ExitCode.Failure;
                    }
                }
                if (cluster is not null)
                {
                    await cluster.Transport.CloseAsync(token).ConfigureAwait(false);
                }
                var deleted = await new ClusterTerminator().TerminateAsync(clusterId, providers, null, token).ConfigureAwait(false);
                foreach (var group in deleted.GroupBy(d => d.Resource.Kind).OrderBy(g => g.Key))
                {
                    context.Out.MarkupLine($"deleted {CreateCommand.Count(group.Key, group.Count())}: {Markup.Escape(string.Join(", ", group.Select(d => d.Resource.Name).Order(StringComparer.Ordinal)))}");
                }
                store.Delete(clusterName);
                context.Out.MarkupLine($"cluster [bold]{Markup.Escape(clusterName)}[/] (id {Markup.Escape(clusterId)}) terminated: {deleted.Length} resources deleted, none left, local state removed");
                return ExitCode.Success;
            }
            finally
            {
                if (cluster is not null)
                {
                    await cluster.DisposeAsync().ConfigureAwait(false);
                }
            }
        }, cancellationToken));
        return command;
    }

    /// <summary>A cluster without local state, found by its tag in the clouds that can list every cluster (the local cloud).</summary>
    private static async Task<(string ClusterId, IReadOnlyDictionary<string, ISiteProvider> Providers)> FindWithoutStateAsync(
        CliContext context, string clusterName, CancellationToken cancellationToken)
    {
        foreach (var discovery in context.Providers.All.OfType<IClusterDiscovery>())
        {
            var all = await discovery.ListAllAsync(context.Runner, cancellationToken).ConfigureAwait(false);
            var ids = all.Select(r => r.ClusterId).Where(id => ClusterIds.NameOf(id) == clusterName).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 1)
            {
                return (ids[0], ImmutableDictionary<string, ISiteProvider>.Empty.Add(((IProviderDefinition)discovery).Name, discovery.ConnectForCleanup(context.Runner)));
            }
            if (ids.Count > 1)
            {
                throw GridSpanException.Failed($"several clusters named '{clusterName}' have resources: {string.Join(", ", ids)}",
                    "this should not happen; delete them with `gridspan localcloud down` (all of the local cloud)");
            }
        }
        throw GridSpanException.NotFound($"there is no cluster '{clusterName}': no local state and no resources tagged with its name",
            "`gridspan list` shows the clusters there are");
    }
}
