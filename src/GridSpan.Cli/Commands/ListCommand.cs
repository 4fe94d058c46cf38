using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Provision;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan list [--json]`: clusters, found from the clouds by their tags and from local state.</summary>
public static class ListCommand
{
    /// <summary>One cluster: what its clouds hold (by tag) and whether this machine has its state.</summary>
    public sealed record ClusterEntry(string Name, string ClusterId, int Servers, int Resources, bool LocalState, string? Problem);

    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the clusters as JSON, for scripts." };
        var command = new Command("list",
            "List clusters: those with local state on this machine, each checked against its sites' clouds (resources tagged " +
            "with its id), and those the clouds hold without local state here (the local cloud is asked for every tag).")
        {
            json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var store = context.Store;
            var entries = new List<ClusterEntry>();
            foreach (var name in store.Names())
            {
                var state = store.Require(name);
                try
                {
                    await using var cluster = ClusterWorkspace.Open(store, name, context.Providers, context.Runner, context.Runner,
                        context.Environment.HomeDirectory);
                    var resources = await ClusterTerminator.ListAsync(state.ClusterId, cluster.Providers, token).ConfigureAwait(false);
                    entries.Add(new ClusterEntry(name, state.ClusterId, resources.Count(r => r.Resource.Kind == ResourceKind.Server), resources.Length, true, null));
                }
                catch (GridSpanException failure)
                {
                    entries.Add(new ClusterEntry(name, state.ClusterId, 0, 0, true, failure.Message));
                }
            }
            foreach (var discovery in context.Providers.All.OfType<IClusterDiscovery>())
            {
                var all = await discovery.ListAllAsync(context.Runner, token).ConfigureAwait(false);
                foreach (var group in all.GroupBy(r => r.ClusterId).Where(g => entries.All(e => e.ClusterId != g.Key)))
                {
                    entries.Add(new ClusterEntry(ClusterIds.NameOf(group.Key), group.Key, group.Count(r => r.Kind == ResourceKind.Server), group.Count(), false, null));
                }
            }
            if (parseResult.GetValue(json))
            {
                context.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(entries, StatusCommand.Json));
                return ExitCode.Success;
            }
            if (entries.Count == 0)
            {
                context.Out.WriteLine("no clusters (create one with `gridspan create -c examples/two-sites.yaml`)");
                return ExitCode.Success;
            }
            var table = new Table().AddColumns("cluster", "id", "servers", "resources", "local state");
            foreach (var entry in entries)
            {
                table.AddRow(Markup.Escape(entry.Name), Markup.Escape(entry.ClusterId), entry.Servers.ToString(CultureInfo.InvariantCulture),
                    entry.Resources.ToString(CultureInfo.InvariantCulture),
                    entry.Problem is { } problem ? $"[yellow]yes, but: {Markup.Escape(problem)}[/]" : entry.LocalState ? "yes" : "[yellow]none (terminate removes it)[/]");
            }
            context.Out.Write(table);
            return ExitCode.Success;
        }, cancellationToken));
        return command;
    }
}
