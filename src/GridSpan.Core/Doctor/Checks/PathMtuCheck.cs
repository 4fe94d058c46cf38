using System.Globalization;
using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// Packets of the planned size cross every link whole, with the don't-fragment bit set: between the VPN
/// nodes of each pair of sites at the tunnel's MTU (both ways), and from every other node to its site's
/// VPN node at the site's MTU. A link that drops them stalls NFS and MPI on large messages while pings pass.
/// </summary>
public sealed class PathMtuCheck : IDoctorCheck
{
    /// <summary>IPv4 and ICMP headers: a ping of this many bytes less than the MTU fills a packet of exactly the MTU.</summary>
    private const int Headers = 28;

    public string Name => "mtu";

    public string Description => "packets of the planned MTU cross every link unfragmented (ping -M do)";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        var paths = new List<(string From, NodePlan To, int Mtu, string What)>();
        foreach (var link in plan.Overlay.Links)
        {
            paths.Add((link.From, plan.FindNode(link.To)!, link.Mtu, "tunnel"));
            paths.Add((link.To, plan.FindNode(link.From)!, link.Mtu, "tunnel"));
        }
        foreach (var node in context.Nodes)
        {
            var site = plan.Site(node.Site);
            if (node.Name != site.VpnNode)
            {
                paths.Add((node.Name, plan.FindNode(site.VpnNode)!, site.Mtu, "site network"));
            }
        }
        var reachable = paths.Where(p => context.IsReachable(p.From) && context.IsReachable(p.To.Name));
        return DoctorContext.ForEachAsync(reachable, async (path, token) =>
        {
            var size = path.Mtu - Headers;
            var command = string.Create(CultureInfo.InvariantCulture, $"ping -n -c 2 -i 0.2 -W 2 -M do -s {size} {path.To.Address}");
            var result = await context.RunAsync(path.From, command + " 2>&1", token).ConfigureAwait(false);
            var subject = $"{path.From} → {path.To.Name}";
            var summary = result.StandardOutput.Split('\n').FirstOrDefault(l => l.Contains("packets transmitted", StringComparison.Ordinal))?.Trim()
                ?? result.StandardOutput.Trim();
            return [result.Succeeded
                ? DoctorFinding.Pass(Name, subject, $"{path.What} MTU {path.Mtu}: `{command}`: {summary}")
                : DoctorFinding.Fail(Name, subject, $"{path.What} MTU {path.Mtu}: `{command}` failed: {summary}",
                    path.What == "tunnel"
                        ? "something on the path between the sites carries less than planned: set a smaller `mtu` on the sites (cluster.yaml) and run `gridspan create` again"
                        : "the site's network carries less than its planned MTU: set the site's `mtu` to what the network carries and run `gridspan create` again")];
        }, cancellationToken);
    }
}
