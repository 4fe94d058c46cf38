using System.CommandLine;
using System.Net;
using GridSpan.Common;
using GridSpan.Plan;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan plan -c FILE [--json]`: what GridSpan would build, without touching any cloud.</summary>
public static class PlanCommand
{
    public static Command Create(CliContext context)
    {
        var config = ClusterInput.ConfigOption("The cluster configuration file (cluster.yaml).");
        var json = new Option<bool>("--json") { Description = "Print the whole plan as JSON (stable, deterministic) for scripts." };
        var command = new Command("plan",
            "Show what GridSpan decides for a cluster before creating it: sites with their subnets and MTUs, the VPN mesh " +
            "and its link MTUs, every node with its role and addresses, which nodes are on demand, the Slurm partitions, " +
            "and the secrets the cluster needs (never their values). Pure: no cloud is contacted. " +
            $"Exits {(int)ExitCode.InvalidConfig} when the file is invalid.")
        {
            config,
            json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, _ =>
        {
            if (ClusterInput.Load(context, parseResult.GetValue(config)!.ToString()) is not { } spec)
            {
                return Task.FromResult(ExitCode.InvalidConfig);
            }
            var plan = ClusterInput.Plan(context, spec);
            if (parseResult.GetValue(json))
            {
                // Straight to the writer: Spectre would wrap long lines and break the JSON.
                context.Out.Profile.Out.Writer.Write(PlanJson.Serialize(plan));
            }
            else
            {
                WriteSummary(context.Out, plan);
            }
            return Task.FromResult(ExitCode.Success);
        }, cancellationToken));
        return command;
    }

    private static void WriteSummary(IAnsiConsole console, ClusterPlan plan)
    {
        var multiSite = plan.Overlay.Members.Length > 0;
        console.MarkupLine($"[bold]Cluster {Markup.Escape(plan.Name)}[/]: {plan.Nodes.Length} nodes in {plan.Sites.Length} site(s), " +
            $"domain {Markup.Escape(plan.Domain)}, master {Markup.Escape(plan.Master)}");
        var mesh = plan.Overlay.Switch is null ? plan.Overlay.Kind.ToString().ToLowerInvariant() : "wireguard";
        console.MarkupLine(multiSite
            ? $"VPN: {mesh} full mesh on {plan.Overlay.Cidr}, {plan.Overlay.OverheadBytes} bytes overhead per packet"
            : "VPN: none (one site)");
        if (plan.Overlay.Switch is { } switchPlan)
        {
            console.MarkupLine($"Switch: {Markup.Escape(switchPlan.Node)} ({switchPlan.Address} on {switchPlan.Cidr}), one VXLAN port per node " +
                $"({switchPlan.Ports.Length}), segment MTU {switchPlan.Mtu}: all traffic between nodes crosses it");
        }
        console.WriteLine();

        var sites = new Table().Title("Sites").AddColumns("site", "subnet", "MTU", "VPN node", "on-demand addresses");
        foreach (var site in plan.Sites)
        {
            var vpn = plan.Overlay.Members.FirstOrDefault(m => m.Node == site.VpnNode);
            sites.AddRow(
                $"{Markup.Escape(site.Name)} [grey]({Markup.Escape(site.Provider)})[/]",
                $"{site.Subnet}{(site.SubnetChosen ? " [grey](chosen)[/]" : "")}",
                Number(site.Mtu),
                $"{Markup.Escape(site.VpnNode)}\n{site.VpnAddress}{(vpn is null ? "" : $", {vpn.OverlayAddress}")}",
                site.OnDemandFirst is { } first ? $"{first} -\n{site.OnDemandLast}" : "-");
        }
        console.Write(sites);

        if (multiSite)
        {
            var links = new Table().Title("VPN links (MTU inside the tunnel)").AddColumns("from", "to", "MTU");
            foreach (var link in plan.Overlay.Links)
            {
                links.AddRow(Markup.Escape(link.From), Markup.Escape(link.To), Number(link.Mtu));
            }
            console.Write(links);
        }

        var nodes = new Table().Title("Nodes").AddColumns("nodes", "role", "site", "addresses", "size", "runs");
        foreach (var node in plan.Nodes.Where(n => n.Role != NodeRole.Worker))
        {
            nodes.AddRow(Markup.Escape(node.Name), node.Role.ToString().ToLowerInvariant(), Markup.Escape(node.Site),
                node.OverlayAddress is { } overlay ? $"{node.Address},\n{overlay}" : node.Address.ToString(),
                Size(node.Cpus, node.MemoryMiB), node.RunsJobs ? "always, jobs too" : "always");
        }
        foreach (var site in plan.Sites)
        {
            foreach (var group in site.Groups)
            {
                foreach (var (hostlist, onDemand) in new[] { (group.StaticNodes, false), (group.OnDemandNodes, true) })
                {
                    if (hostlist.Length == 0)
                    {
                        continue;
                    }
                    var members = plan.Nodes.Where(n => n.Site == site.Name && n.Group == group.Name && n.OnDemand == onDemand).ToList();
                    nodes.AddRow(Markup.Escape(hostlist), "worker", Markup.Escape(site.Name), AddressRange(members.Select(n => n.Address).ToList()),
                        Size(group.Cpus, group.MemoryMiB), onDemand ? "[yellow]on demand[/]" : "always");
                }
            }
        }
        console.Write(nodes);

        var partitions = new Table().Title("Slurm partitions").AddColumns("partition", "nodes", "default");
        foreach (var partition in plan.Slurm.Partitions)
        {
            partitions.AddRow(Markup.Escape(partition.Name), Markup.Escape(string.Join(", ", Hostlist.Entries(partition.Nodes))), partition.IsDefault ? "yes" : "");
        }
        console.Write(partitions);

        // Plain lines: hostlists must not be wrapped inside their brackets.
        var writer = console.Profile.Out.Writer;
        writer.WriteLine($"On demand (Slurm creates and deletes them): {(plan.Slurm.CloudNodes.Length > 0 ? plan.Slurm.CloudNodes : "none")}");
        writer.WriteLine($"Shared: {string.Join(", ", plan.Storage.Exports.Select(e => e.Path))} from {plan.Storage.Server}");
        writer.WriteLine($"Secrets to create (values never shown): {string.Join(", ", plan.Secrets.Select(s => s.Name))}");
    }

    private static string AddressRange(List<IPAddress> addresses) =>
        addresses.Count == 1 ? addresses[0].ToString() : $"{addresses[0]} -\n{addresses[^1]}";

    private static string Size(int cpus, long memoryMiB) => $"{Number(cpus)} CPU, {Number(memoryMiB)} MiB";

    private static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
