using System.Globalization;
using GridSpan.Plan;

namespace GridSpan.Render;

/// <summary>
/// The vxlan overlay's files: on every node a script making vx0, a unicast VXLAN tunnel to the switch;
/// on the switch a script making the bridge with one VXLAN port per node. A oneshot unit runs either at
/// boot, after the routes (or the WireGuard tunnel) that carry the tunnels to the switch's site.
/// </summary>
public static class VxlanRenderer
{
    public const string UnitName = "gridspan-vxlan.service";

    /// <param name="port">The node's port on the switch (the caller looks it up once per cluster, not by a scan per node).</param>
    public static string RenderNodeScript(SwitchPlan switchPlan, NodePlan node, SwitchPortPlan port)
    {
        ArgumentNullException.ThrowIfNull(switchPlan);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(port);
        var device = SwitchPlan.NodeDevice;
        return new TextLines()
            .Line("#!/bin/sh")
            .Line($"# {device} of {node.Name}: a unicast VXLAN tunnel (VNI {port.Vni}) to the switch {switchPlan.Node} at {switchPlan.UnderlayAddress},")
            .Line("# so every frame to another node crosses the switch. Rendered by GridSpan.")
            .Line("set -eu")
            .Line(EnsureVxlan(device, port.Vni, node.Address.ToString(), switchPlan.UnderlayAddress.ToString(), switchPlan.Port))
            .Line($"ip link set dev {device} mtu {switchPlan.Mtu}")
            .Line($"ip addr replace {port.SwitchedAddress}/{switchPlan.Cidr.PrefixLength} dev {device}")
            .Line($"ip link set dev {device} up")
            .ToString();
    }

    public static string RenderSwitchScript(SwitchPlan switchPlan)
    {
        ArgumentNullException.ThrowIfNull(switchPlan);
        var bridge = SwitchPlan.Bridge;
        var text = new TextLines()
            .Line("#!/bin/sh")
            .Line($"# The switch {switchPlan.Node}: bridge {bridge} with one unicast VXLAN port per node ({switchPlan.Ports.Length.ToString(CultureInfo.InvariantCulture)}),")
            .Line("# every port of the segment's MTU. Rendered by GridSpan.")
            .Line("set -eu")
            .Line("# Bridged frames must not pass the host's iptables (bridge-nf-call-*), which could drop the nodes' traffic.")
            .Line("for f in /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables; do")
            .Line("    [ ! -e \"$f\" ] || [ \"$(cat \"$f\")\" = 0 ] || echo 0 > \"$f\"")
            .Line("done")
            .Line($"ip link show dev {bridge} >/dev/null 2>&1 || ip link add {bridge} type bridge")
            .Line($"ip link set dev {bridge} mtu {switchPlan.Mtu}")
            .Line($"ip addr replace {switchPlan.Address}/{switchPlan.Cidr.PrefixLength} dev {bridge}")
            .Line($"ip link set dev {bridge} up")
            .PortFunction(switchPlan);
        foreach (var port in switchPlan.Ports.Where(p => !p.OnDemand))
        {
            text.Line(PortLine(port));
        }
        var planned = string.Join(' ', switchPlan.Ports.Select(p => p.Device));
        return text
            .Line("# On-demand nodes' ports exist while their node does (vxlan-port add/del, run by the master's hooks).")
            .Line($"for f in {NodePaths.VxlanPortsDirectory}/*; do")
            .Line($"    [ ! -e \"$f\" ] || {NodePaths.VxlanPortScript} add \"${{f##*/}}\"")
            .Line("done")
            .Line("# Ports of nodes no longer planned go.")
            .Line("for dev in $(ip -o link show type vxlan | awk -F': ' '{print $2}' | cut -d@ -f1); do")
            .Line($"    case \" {planned} \" in *\" $dev \"*) ;; *) ip link del dev \"$dev\" ;; esac")
            .Line("done")
            .ToString();
    }

    /// <summary>
    /// `vxlan-port add|del NODE` on the switch: the port of an on-demand node, added by the master's
    /// resume hook before the node is configured and removed by its suspend hook once the node is deleted.
    /// Remembered in <see cref="NodePaths.VxlanPortsDirectory"/>, so the switch's start brings it back.
    /// </summary>
    public static string RenderPortScript(SwitchPlan switchPlan)
    {
        ArgumentNullException.ThrowIfNull(switchPlan);
        var text = new TextLines()
            .Line("#!/bin/sh")
            .Line($"# vxlan-port add|del NODE: the port of an on-demand node on the switch {switchPlan.Node}. Rendered by GridSpan.")
            .Line("set -eu")
            .PortFunction(switchPlan)
            .Line("case \"${2:-}\" in");
        foreach (var port in switchPlan.Ports.Where(p => p.OnDemand))
        {
            text.Line($"    {port.Node}) set -- \"$1\" {port.Device} {port.Vni.ToString(CultureInfo.InvariantCulture)} {port.Remote} \"$2\" ;;");
        }
        return text
            .Line("    *) echo \"vxlan-port: '${2:-}' is not an on-demand node of this cluster\" >&2; exit 2 ;;")
            .Line("esac")
            .Line("case \"$1\" in")
            .Line($"    add) port \"$2\" \"$3\" \"$4\"; mkdir -p {NodePaths.VxlanPortsDirectory}; : > {NodePaths.VxlanPortsDirectory}/\"$5\" ;;")
            .Line($"    del) rm -f {NodePaths.VxlanPortsDirectory}/\"$5\"; ip link del dev \"$2\" 2>/dev/null || true ;;")
            .Line("    *) echo \"usage: vxlan-port add|del NODE\" >&2; exit 2 ;;")
            .Line("esac")
            .ToString();
    }

    private static TextLines PortFunction(this TextLines text, SwitchPlan switchPlan) => text
        .Line("port() {  # device vni remote")
        .Line("    " + EnsureVxlan("\"$1\"", "$2", switchPlan.UnderlayAddress.ToString(), "$3", switchPlan.Port))
        .Line($"    ip link set dev \"$1\" mtu {switchPlan.Mtu} master {SwitchPlan.Bridge} up")
        .Line("}");

    private static string PortLine(SwitchPortPlan port) =>
        $"port {port.Device} {port.Vni.ToString(CultureInfo.InvariantCulture)} {port.Remote}  # {port.Node}, {port.SwitchedAddress}";

    /// <summary>Creates the VXLAN device, or re-creates it when its VNI or endpoints differ (a device's VNI cannot be changed in place).</summary>
    private static string EnsureVxlan(string device, object vni, string local, string remote, int port) =>
        $"ip -d link show dev {device} 2>/dev/null | grep -q \"vxlan id {vni} remote {remote} local {local} \" || " +
        $"{{ ip link del dev {device} 2>/dev/null || true; ip link add {device} type vxlan id {vni} local {local} remote {remote} dstport {port} nolearning; }}";

    public static string RenderUnit(bool isSwitch) => new TextLines()
        .Line("# Rendered by GridSpan.")
        .Line("[Unit]")
        .Line(isSwitch
            ? "Description=GridSpan: the switch's bridge with one VXLAN port per node"
            : "Description=GridSpan: vx0, this node's VXLAN tunnel to the switch")
        .Line("Wants=network-online.target")
        .Line("After=network-online.target gridspan-routes.service wg-quick@wg0.service")
        .Line()
        .Line("[Service]")
        .Line("Type=oneshot")
        .Line("RemainAfterExit=yes")
        .Line($"ExecStart={NodePaths.VxlanScript}")
        .Line()
        .Line("[Install]")
        .Line("WantedBy=multi-user.target")
        .ToString();

    /// <summary>The switch forwards between its site and the tunnel, and bridges without the host's iptables.</summary>
    public static string RenderSwitchSysctl() => new TextLines()
        .Line("# Rendered by GridSpan: this switch forwards between its site and the VPN, and bridges its VXLAN ports")
        .Line("# without passing frames to iptables (the bridge-nf keys exist only while br_netfilter is loaded; the")
        .Line($"# vxlan script sets them at every start).")
        .Line("net.ipv4.ip_forward = 1")
        .ToString();
}
