using GridSpan.Plan;
using GridSpan.Secrets;

namespace GridSpan.Render;

/// <summary>
/// wg0.conf for the master and each gateway: a full mesh, one [Peer] per other VPN node. Only the
/// node's own private key appears. Routes are not wg-quick's (Table = off) but the plan's, with a
/// per-link MTU, installed by the routes script on PostUp.
/// </summary>
public static class WireGuardRenderer
{
    public static string Render(ClusterPlan plan, string nodeName, ClusterSecrets secrets, ClusterFacts facts)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(facts);
        var me = plan.Overlay.Members.First(m => m.Node == nodeName);
        var text = new TextLines()
            .Line($"# WireGuard of {me.Node} (site {me.Site}), rendered by GridSpan: full mesh with every other VPN node.")
            .Line("[Interface]")
            .Line($"Address = {me.OverlayAddress}/{plan.Overlay.Cidr.PrefixLength}")
            .Line($"ListenPort = {plan.Overlay.ListenPort}")
            .Line($"MTU = {me.InterfaceMtu}")
            .Line("Table = off")
            .Line($"PostUp = {NodePaths.RoutesScript}")
            .Line($"PrivateKey = {secrets.WireGuard[me.Node].PrivateKey}");
        foreach (var peer in plan.Overlay.Members.Where(m => m.Node != nodeName))
        {
            var link = plan.Overlay.Links.First(l => (l.From == me.Node && l.To == peer.Node) || (l.From == peer.Node && l.To == me.Node));
            text.Line()
                .Line($"# {peer.Node} (site {peer.Site}), link MTU {link.Mtu}")
                .Line("[Peer]")
                .Line($"PublicKey = {secrets.WireGuard[peer.Node].PublicKey}")
                .Line($"AllowedIPs = {peer.OverlayAddress}/32, {plan.Site(peer.Site).Subnet}");
            if (facts.PublicEndpoints.TryGetValue(peer.Node, out var endpoint))
            {
                text.Line($"Endpoint = {endpoint}:{plan.Overlay.ListenPort}");
            }
            else
            {
                text.Line("# Endpoint unknown until the node exists; the peer connects to this node instead.");
            }
            text.Line("PersistentKeepalive = 25");
        }
        return text.ToString();
    }
}
