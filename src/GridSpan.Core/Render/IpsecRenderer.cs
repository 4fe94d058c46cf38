using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Plan;
using GridSpan.Secrets;

namespace GridSpan.Render;

/// <summary>
/// The ipsec overlay of a cluster: one site-to-site tunnel per pair of VPN nodes, carrying the two sites'
/// subnets and the two nodes' overlay addresses, into ipsec0 (kernel-libipsec's TUN device in containers,
/// an XFRM interface with kernel ESP on VMs), so routes work as under WireGuard with ipsec0 for wg0.
/// </summary>
public static class IpsecRenderer
{
    /// <summary>The XFRM interface id of ipsec0 on VMs; every tunnel's SAs carry it.</summary>
    public const int InterfaceId = 1;

    /// <summary>
    /// A VPN node sends no ICMP redirects: while charon starts (or restarts) ipsec0 and its routes are missing
    /// and the node forwards the site's traffic to the site's router, and a redirect to that router stays
    /// cached on the site's nodes for minutes after the tunnel is back (seen: srun hung on a node marked DOWN).
    /// </summary>
    public const string NoRedirectsCommand =
        "for f in /proc/sys/net/ipv4/conf/*/send_redirects; do [ \"$(cat \"$f\")\" = 0 ] || echo 0 > \"$f\"; done";

    /// <summary>The preference of the rule that puts the main table before charon's table 220 (at preference 220).</summary>
    public const int MainFirstRulePreference = 210;

    /// <summary>The node's tunnels, the end that comes first in the plan initiating each.</summary>
    public static ImmutableArray<IpsecTunnel> TunnelsOf(ClusterPlan plan, string nodeName, ClusterFacts facts, NodeRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(facts);
        var me = plan.Overlay.Members.First(m => m.Node == nodeName);
        var local = Endpoint(plan, me, facts);
        return [.. plan.Overlay.Members.Where(m => m.Node != nodeName).Select(peer =>
        {
            var link = plan.Overlay.LinkBetween(me.Node, peer.Node)!;
            return new IpsecTunnel(peer.Node, local, Endpoint(plan, peer, facts), link.From == me.Node,
                runtime == NodeRuntime.VirtualMachine ? InterfaceId : null);
        })];
    }

    private static IpsecEndpoint Endpoint(ClusterPlan plan, VpnNodePlan member, ClusterFacts facts) =>
        new($"{member.Node}.{plan.Domain}", facts.PublicEndpoints.GetValueOrDefault(member.Node),
            [plan.Site(member.Site).Subnet, Ipv4.Host(member.OverlayAddress)]);

    public static string RenderConnections(ClusterPlan plan, string nodeName, ClusterFacts facts, NodeRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var me = plan.Overlay.Members.First(m => m.Node == nodeName);
        return IpsecTunnelRenderer.RenderConnections(
            $"IPsec of {me.Node} (site {me.Site}), rendered by GridSpan: a site-to-site tunnel to every other VPN node.",
            TunnelsOf(plan, nodeName, facts, runtime));
    }

    /// <summary>The node's tunnels' pre-shared keys, and no other tunnel's.</summary>
    public static string RenderSecrets(ClusterPlan plan, string nodeName, ClusterSecrets secrets, ClusterFacts facts, NodeRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(secrets);
        var keys = TunnelsOf(plan, nodeName, facts, runtime).Select(tunnel =>
        {
            var name = plan.Overlay.LinkBetween(nodeName, tunnel.Name)!.Name;
            return (tunnel, secrets.Ipsec?.GetValueOrDefault(name) ?? throw GridSpanException.Failed(
                $"the cluster's secrets have no IPsec key for the tunnel {name}",
                "run `gridspan create` again: it adds the missing keys"));
        });
        return IpsecTunnelRenderer.RenderSecrets($"IPsec pre-shared keys of {nodeName}'s tunnels, rendered by GridSpan. Secret.", keys);
    }

    /// <summary>
    /// The routes script's first lines on a VPN node: ipsec0 there, at the node's tunnel MTU, with its overlay
    /// address. In a container charon's kernel-libipsec makes it as charon starts (the script runs after);
    /// on a VM the script makes the XFRM interface itself.
    /// </summary>
    public static string RenderDeviceLines(ClusterPlan plan, VpnNodePlan member, NodeRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(member);
        var device = plan.Overlay.Device;
        var text = new TextLines();
        if (runtime == NodeRuntime.Container)
        {
            text.Line($"# {device} is kernel-libipsec's TUN device: ESP in user space, as this kernel has none.")
                .Line($"i=0; until ip link show dev {device} >/dev/null 2>&1; do")
                .Line($"    i=$((i + 1)); [ \"$i\" -le 50 ] || {{ echo \"routes: charon made no {device}: is kernel-libipsec loaded?\" >&2; exit 1; }}; sleep 0.1")
                .Line("done")
                .Line("# kernel-libipsec routes the remote ranges into its TUN device in table 220 even with install_routes = no,")
                .Line("# without the tunnels' MTUs: the main table's routes below are looked up first (a default route excepted).")
                .Line($"ip rule show pref {MainFirstRulePreference} | grep -q . || ip rule add pref {MainFirstRulePreference} table main suppress_prefixlength 0");
        }
        else
        {
            text.Line($"# {device} is an XFRM interface: what is routed into it takes the SAs of interface id {InterfaceId} (kernel ESP).")
                .Line($"ip link show dev {device} >/dev/null 2>&1 || ip link add {device} type xfrm dev \"$dev\" if_id {InterfaceId}");
        }
        return text
            .Line("# No ICMP redirects to the site's router while the tunnels are down (IpsecRenderer.NoRedirectsCommand).")
            .Line(NoRedirectsCommand)
            .Line($"ip link set dev {device} mtu {member.InterfaceMtu} up")
            .Line($"ip addr replace {member.OverlayAddress}/{plan.Overlay.Cidr.PrefixLength} dev {device}")
            .ToString();
    }
}
