using GridSpan.Plan;

namespace GridSpan.Render;

/// <summary>
/// The routes script every node runs (VPN nodes on wg0's PostUp or after charon starts, the others from a
/// oneshot unit at boot): the site MTU on the site interface, then the planned routes, each with its link's MTU.
/// `ip route replace` and `ip link set` make it idempotent.
/// </summary>
public static class RoutesRenderer
{
    public static string RenderScript(ClusterPlan plan, NodePlan node)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        return RenderScript(plan, node, RenderRouteLines(RoutesOf(plan, node)));
    }

    /// <summary>
    /// The script with its route lines given, so nodes sharing routes (a site's workers) share one
    /// rendering of them. A worker's script names its site, not the node: every worker of a site has
    /// the same script (it finds its interface by the site's subnet), so it is one file however many
    /// workers the site has.
    /// </summary>
    public static string RenderScript(ClusterPlan plan, NodePlan node, string routeLines)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        var site = plan.Site(node.Site);
        var isVpn = node.IsVpnNode || node.Name == site.VpnNode;
        var (owner, address, missing) = isVpn
            ? (node.Name, $"{node.Address}/32", $"no interface has {node.Address}, the planned address of {node.Name}")
            : ($"the workers of site {site.Name}", site.Subnet.ToString(), $"no interface has an address in {site.Subnet}, the subnet of site {site.Name}");
        return new TextLines()
            .Line("#!/bin/sh")
            .Line(node.IsVpnNode
                ? $"# Routes of {node.Name} into the tunnel, one per peer site, rendered by GridSpan (run by {(plan.Overlay.Kind == Config.OverlayKind.Ipsec ? "strongswan.service once charon is up" : "wg-quick on PostUp")})."
                : routeLines.Length > 0
                    ? $"# Routes of {owner} to the other sites through {site.VpnNode}, rendered by GridSpan."
                    : $"# {owner} {(isVpn ? "is" : "are")} in the only site: no routes, only the site's MTU. Rendered by GridSpan.")
            .Line("set -eu")
            .Line($"dev=$(ip -o -4 addr show to {address} | awk '{{print $2; exit}}')")
            .Line($"[ -n \"$dev\" ] || {{ echo \"routes: {missing}\" >&2; exit 1; }}")
            .Line($"ip link set dev \"$dev\" mtu {site.Mtu}")
            + routeLines;
    }

    /// <summary>The routes a node installs: its tunnel routes when it is a VPN node, its site's worker routes otherwise.</summary>
    public static IEnumerable<RoutePlan> RoutesOf(ClusterPlan plan, NodePlan node)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        if (node.IsVpnNode)
        {
            return plan.Overlay.Members.First(m => m.Node == node.Name).Routes;
        }
        var site = plan.Site(node.Site);
        return node.Name == site.VpnNode ? [] : site.WorkerRoutes;
    }

    /// <summary>One idempotent `ip route replace` per route.</summary>
    public static string RenderRouteLines(IEnumerable<RoutePlan> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var text = new TextLines();
        foreach (var route in routes)
        {
            var line = $"ip route replace {route.Destination}";
            if (route.Via is { } via)
            {
                line += $" via {via}";
            }
            if (route.Device is { } device)
            {
                line += $" dev {device}";
            }
            line += $" mtu {route.Mtu}";
            if (route.Source is { } source)
            {
                line += $" src {source}";
            }
            text.Line(line);
        }
        return text.ToString();
    }

    public static string RenderUnit() => new TextLines()
        .Line("# Rendered by GridSpan.")
        .Line("[Unit]")
        .Line("Description=GridSpan: site MTU and routes to the cluster's other sites")
        .Line("Wants=network-online.target")
        .Line("After=network-online.target")
        .Line()
        .Line("[Service]")
        .Line("Type=oneshot")
        .Line("RemainAfterExit=yes")
        .Line($"ExecStart={NodePaths.RoutesScript}")
        .Line()
        .Line("[Install]")
        .Line("WantedBy=multi-user.target")
        .ToString();

    /// <summary>The master and gateways forward packets between their site and the tunnel.</summary>
    public static string RenderForwardingSysctl() => new TextLines()
        .Line("# Rendered by GridSpan: this node forwards between its site and the VPN.")
        .Line("net.ipv4.ip_forward = 1")
        .ToString();
}
