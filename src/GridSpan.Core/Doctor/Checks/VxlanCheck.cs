using System.Globalization;
using System.Text.RegularExpressions;
using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// The vxlan overlay: every node's vx0 is up as planned (VNI, the switch as remote, the segment's MTU)
/// and a packet of the segment's MTU with don't-fragment reaches the switch's bridge through it; the
/// switch's bridge is up with every planned port attached. Nothing to check under another overlay.
/// </summary>
public sealed partial class VxlanCheck : IDoctorCheck
{
    private const int Headers = 28;

    public string Name => "vxlan";

    public string Description => "each node's VXLAN tunnel is up and reaches the switch at the segment's MTU; the switch has every port";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Plan.Overlay.Switch is not { } segment)
        {
            return Task.FromResult<IReadOnlyList<DoctorFinding>>([]);
        }
        return DoctorContext.ForEachAsync(context.Nodes, async (node, token) =>
        {
            if (node.Role == NodeRole.Switch)
            {
                var ports = await context.RunAsync(node.Name, SwitchScript, token).ConfigureAwait(false);
                return [JudgeSwitch(segment, ports.StandardOutput, context.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal))];
            }
            var result = await context.RunAsync(node.Name, NodeScript(segment) + " 2>&1", token).ConfigureAwait(false);
            return [JudgeNode(segment, node, result.StandardOutput)];
        }, cancellationToken);
    }

    public const string SwitchScript =
        $"ip -o link show dev {SwitchPlan.Bridge} 2>&1 | sed 's/^/B /'; ip -d -o link show type vxlan | sed 's/^/P /'\n";

    public static string NodeScript(SwitchPlan segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return string.Create(CultureInfo.InvariantCulture,
            $"ip -d -o link show dev {SwitchPlan.NodeDevice} 2>&1 | sed 's/^/L /'; ping -n -c 2 -i 0.2 -W 2 -M do -s {segment.Mtu - Headers} {segment.Address}");
    }

    public static DoctorFinding JudgeNode(SwitchPlan segment, NodePlan node, string output)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(output);
        var port = segment.PortOf(node.Name);
        var link = output.Split('\n').FirstOrDefault(l => l.StartsWith("L ", StringComparison.Ordinal))?[2..].Trim() ?? "";
        var ping = output.Split('\n').FirstOrDefault(l => l.Contains("packets transmitted", StringComparison.Ordinal))?.Trim() ?? "no answer from ping";
        var fix = $"on {node.Name}: `systemctl restart {Render.VxlanRenderer.UnitName}` (it re-creates vx0 as planned), or `gridspan create` again";
        var device = LinkPattern().Match(link);
        if (!device.Success)
        {
            return DoctorFinding.Fail("vxlan", node.Name, $"no {SwitchPlan.NodeDevice}: {(link.Length > 0 ? link : "ip link printed nothing")}", fix);
        }
        var problems = new List<string>();
        if (!device.Groups["flags"].Value.Split(',').Contains("UP"))
        {
            problems.Add("it is down");
        }
        var (mtu, vni, remote) = (device.Groups["mtu"].Value, device.Groups["vni"].Value, device.Groups["remote"].Value);
        if (mtu != segment.Mtu.ToString(CultureInfo.InvariantCulture))
        {
            problems.Add($"MTU {mtu}, planned {segment.Mtu}");
        }
        if (vni != port.Vni.ToString(CultureInfo.InvariantCulture) || remote != segment.UnderlayAddress.ToString())
        {
            problems.Add($"VNI {vni} to {remote}, planned VNI {port.Vni} to the switch at {segment.UnderlayAddress}");
        }
        var summary = $"{SwitchPlan.NodeDevice} VNI {vni} to {remote}, MTU {mtu}; ping -M do -s {segment.Mtu - Headers} {segment.Address} (the switch): {ping}";
        if (problems.Count > 0)
        {
            return DoctorFinding.Fail("vxlan", node.Name, $"{SwitchPlan.NodeDevice} differs from the plan: {string.Join("; ", problems)} ({summary})", fix);
        }
        return ping.Contains(" 0% packet loss", StringComparison.Ordinal)
            ? DoctorFinding.Pass("vxlan", node.Name, summary)
            : DoctorFinding.Fail("vxlan", node.Name, $"the switch does not answer at the segment's MTU: {summary}",
                $"check the switch's port {port.Device} (`gridspan ssh CLUSTER {segment.Node} -- ip -d link show {port.Device}`) and that UDP {segment.Port} " +
                $"reaches {segment.UnderlayAddress} from {node.Address}; a smaller path MTU needs a smaller site `mtu` in cluster.yaml");
    }

    /// <param name="running">The nodes that exist now: an on-demand node's port is expected only while it runs.</param>
    public static DoctorFinding JudgeSwitch(SwitchPlan segment, string output, IReadOnlySet<string> running)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(running);
        var lines = output.Split('\n');
        var bridge = lines.FirstOrDefault(l => l.StartsWith("B ", StringComparison.Ordinal))?[2..] ?? "";
        var fix = $"on {segment.Node}: `systemctl restart {Render.VxlanRenderer.UnitName}` (it re-creates the bridge and its ports), or `gridspan create` again";
        if (LinkPattern().Match(bridge) is not { Success: true } bridgeLink || !bridgeLink.Groups["flags"].Value.Split(',').Contains("UP"))
        {
            return DoctorFinding.Fail("vxlan", segment.Node, $"bridge {SwitchPlan.Bridge} is missing or down: {bridge.Trim()}", fix);
        }
        var attached = lines.Where(l => l.StartsWith("P ", StringComparison.Ordinal))
            .Select(l => LinkPattern().Match(l[2..]))
            .Where(m => m.Success && m.Groups["flags"].Value.Split(',').Contains("UP") && m.Groups["master"].Value == SwitchPlan.Bridge)
            .Select(m => m.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);
        var expected = segment.Ports.Where(p => !p.OnDemand || running.Contains(p.Node)).ToList();
        var missing = expected.Where(p => !attached.Contains(p.Device)).Select(p => $"{p.Device} ({p.Node})").ToList();
        return missing.Count == 0
            ? DoctorFinding.Pass("vxlan", segment.Node, $"bridge {SwitchPlan.Bridge} up with the VXLAN ports of all {expected.Count} running nodes attached and up")
            : DoctorFinding.Fail("vxlan", segment.Node, $"bridge {SwitchPlan.Bridge} lacks {missing.Count} port(s), or has them down: {string.Join(", ", missing.Take(10))}", fix);
    }

    /// <summary>One line of `ip -d -o link show`: name, flags, MTU, the bridge it is attached to, and for VXLAN devices the VNI and remote.</summary>
    [GeneratedRegex(@"^\d+:\s+(?<name>[^:@\s]+)(@\S+)?:\s+<(?<flags>[^>]*)>\s+mtu\s+(?<mtu>\d+)(.*?\smaster\s+(?<master>\S+))?(.*?\svxlan id (?<vni>\d+) remote (?<remote>\S+))?")]
    private static partial Regex LinkPattern();
}
