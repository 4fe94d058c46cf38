using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// Kernel settings that break a cluster quietly: VPN nodes must forward packets (net.ipv4.ip_forward=1),
/// and on a node with a Linux bridge, bridged packets must not pass through iptables
/// (net.bridge.bridge-nf-call-iptables=0), or a host firewall filters traffic that only crosses the bridge.
/// </summary>
public sealed class SysctlCheck : IDoctorCheck
{
    public const string Script =
        "echo forward=$(cat /proc/sys/net/ipv4/ip_forward)\n" +
        "bridges=$(for b in /sys/class/net/*/bridge; do [ -d \"$b\" ] && basename \"$(dirname \"$b\")\"; done | tr '\\n' ' '); echo bridges=$bridges\n" +
        "for f in /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables; do " +
        "[ -r \"$f\" ] && echo \"$(basename $f)=$(cat $f)\"; done; true\n";

    public string Name => "sysctl";

    public string Description => "forwarding on VPN nodes; bridge-nf-call-* off where there are bridges";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DoctorContext.ForEachAsync(context.Nodes, async (node, token) =>
        {
            var result = await context.RunAsync(node.Name, Script, token).ConfigureAwait(false);
            return Judge(node, context.Plan, result.StandardOutput);
        }, cancellationToken);
    }

    public static IEnumerable<DoctorFinding> Judge(NodePlan node, ClusterPlan plan, string output)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        var findings = new List<DoctorFinding>();
        if (plan.Overlay.Members.Any(m => m.Node == node.Name))
        {
            var forward = values.GetValueOrDefault("forward", "?");
            findings.Add(forward == "1"
                ? DoctorFinding.Pass("sysctl", node.Name, "net.ipv4.ip_forward = 1 (a VPN node forwards its site's traffic)")
                : DoctorFinding.Fail("sysctl", node.Name, $"net.ipv4.ip_forward = {forward} on a VPN node: its site's nodes cannot reach the other sites",
                    "run `sysctl -w net.ipv4.ip_forward=1` on the node, or `gridspan create` again (it sets it)"));
        }
        var bridges = values.GetValueOrDefault("bridges", "");
        if (bridges.Length > 0)
        {
            var on = values.Where(v => v.Key.StartsWith("bridge-nf-call-", StringComparison.Ordinal) && v.Value == "1").Select(v => v.Key).ToList();
            findings.Add(on.Count == 0
                ? DoctorFinding.Pass("sysctl", node.Name, $"bridges {bridges}: bridged packets skip iptables")
                : DoctorFinding.Fail("sysctl", node.Name, $"bridges {bridges}, and {string.Join(", ", on.Select(k => $"net.bridge.{k} = 1"))}: a host firewall filters bridged traffic",
                    string.Join("; ", on.Select(k => $"sysctl -w net.bridge.{k}=0"))));
        }
        if (findings.Count == 0)
        {
            findings.Add(DoctorFinding.Pass("sysctl", node.Name, "not a VPN node and no bridge: nothing to check"));
        }
        return findings;
    }
}
