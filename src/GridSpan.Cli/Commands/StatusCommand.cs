using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Doctor;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan status NAME [--json]`: sites, nodes, roles, addresses, servers, Slurm states and VPN handshakes.</summary>
public static class StatusCommand
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
    };

    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The cluster's name." };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON, for scripts." };
        var svg = new Option<FileInfo?>("--svg")
        {
            Description = "Also draw the cluster into FILE as an SVG picture (open it in a browser): the sites, the overlay's links " +
                "between them, every node with its state, and, in red, what `gridspan doctor` (run for the picture) finds failing.",
            HelpName = "FILE",
        };
        var command = new Command("status",
            "Show a cluster as it is now: its sites (subnet, MTU, VPN node), every node with its role, addresses, its server's " +
            "state in the cloud, its Slurm state (from sinfo on the master) and, for the master and gateways, how long ago each " +
            "VPN peer last completed a handshake (WireGuard renews it every 2 minutes while traffic flows).")
        {
            name,
            json,
            svg,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            await using var cluster = ClusterWorkspace.Open(context.Store, parseResult.GetValue(name)!, context.Providers,
                context.Runner, context.Runner, context.Environment.HomeDirectory);
            var status = await ClusterStatusReader.ReadAsync(cluster, token).ConfigureAwait(false);
            if (parseResult.GetValue(svg) is { } picture)
            {
                var report = await ClusterDoctor.ExamineAsync(cluster, step => context.Error.MarkupLine($"[grey]{Markup.Escape(step)}[/]"), token)
                    .ConfigureAwait(false);
                WritePicture(picture.FullName, TopologyPicture.Svg(status, cluster.Plan.Overlay, report));
                context.Error.MarkupLine($"[grey]drew {Markup.Escape(picture.FullName)}: {status.Sites.Length} sites, {status.Nodes.Length} nodes, " +
                    $"{report.Failures.Length} failing doctor finding(s)[/]");
            }
            if (parseResult.GetValue(json))
            {
                context.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(status, Json));
                return ExitCode.Success;
            }
            Write(context.Out, status);
            foreach (var problem in status.Problems)
            {
                context.Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(problem)}");
            }
            return ExitCode.Success;
        }, cancellationToken));
        return command;
    }

    private static void WritePicture(string path, string picture)
    {
        try
        {
            PrivateFiles.WriteAtomically(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(picture)),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw GridSpanException.Failed($"cannot write the picture to {path}: {failure.Message}",
                "name a file in a directory that exists and that you may write to");
        }
    }

    private static void Write(IAnsiConsole console, ClusterStatus status)
    {
        console.MarkupLine($"[bold]Cluster {Markup.Escape(status.Name)}[/] (id {Markup.Escape(status.ClusterId)}), master {Markup.Escape(status.Master)}");
        var sites = new Table().Title("Sites").AddColumns("site", "provider", "subnet", "MTU", "VPN node");
        foreach (var site in status.Sites)
        {
            sites.AddRow(Markup.Escape(site.Name), Markup.Escape(site.Provider), site.Subnet, site.Mtu.ToString(CultureInfo.InvariantCulture), Markup.Escape(site.VpnNode));
        }
        console.Write(sites);
        var nodes = new Table().Title("Nodes").AddColumns("node", "role", "site", "address", "public", "server", "slurm", "VPN handshakes");
        foreach (var node in status.Nodes)
        {
            var vpn = string.Join("\n", node.Vpn.Select(p => $"{p.Peer}: {(p.HandshakeAgeSeconds is { } age ? $"{age} s ago" : "never")}"));
            nodes.AddRow(
                Markup.Escape(node.Name),
                node.Role + (node.OnDemand ? " [grey](on demand)[/]" : ""),
                Markup.Escape(node.Site),
                node.Address,
                node.PublicAddress ?? "-",
                Colour(node.Server, node.Server == "active"),
                node.Slurm is { } slurm ? Colour(slurm, SlurmStates.IsReady(slurm) || slurm.EndsWith('~')) : "-",
                Markup.Escape(vpn.Length == 0 ? "-" : vpn));
        }
        console.Write(nodes);
    }

    private static string Colour(string text, bool good) => good ? $"[green]{Markup.Escape(text)}[/]" : $"[yellow]{Markup.Escape(text)}[/]";
}
