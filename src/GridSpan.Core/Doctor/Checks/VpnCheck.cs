using GridSpan.Cluster;
using GridSpan.Config;
using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// Every tunnel between two VPN nodes is up, seen from both ends. WireGuard: a handshake with the peer
/// recently; WireGuard renews it every 2 minutes while packets flow (the MTU check, run before, sends
/// some), so an older or missing one means the tunnel is down: blocked UDP, a wrong endpoint or key.
/// IPsec: `swanctl --list-sas` shows the tunnel's IKE_SA ESTABLISHED with a CHILD_SA INSTALLED.
/// </summary>
public sealed class VpnCheck : IDoctorCheck
{
    /// <summary>Two renewals' time plus margin.</summary>
    public const int FreshSeconds = 180;

    public string Name => "vpn";

    public string Description => $"every tunnel is up at both ends: a WireGuard handshake in the last {FreshSeconds} s, or an IPsec SA established and installed";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        var members = plan.Overlay.Members.Where(m => context.IsReachable(m.Node));
        return plan.Overlay.Kind == OverlayKind.Ipsec
            ? DoctorContext.ForEachAsync(members, (member, token) => IpsecAsync(context, member, token), cancellationToken)
            : WireGuardAsync(context, members, cancellationToken);
    }

    private static List<string> PeersOf(ClusterPlan plan, VpnNodePlan member) =>
        [.. plan.Overlay.Links.Where(l => l.From == member.Node || l.To == member.Node)
            .Select(l => l.From == member.Node ? l.To : l.From).Order(StringComparer.Ordinal)];

    private Task<IReadOnlyList<DoctorFinding>> WireGuardAsync(DoctorContext context, IEnumerable<VpnNodePlan> members, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var peerOfKey = context.Cluster.Secrets.WireGuard.ToDictionary(p => p.Value.PublicKey, p => p.Key, StringComparer.Ordinal);
        var port = plan.Overlay.ListenPort;
        return DoctorContext.ForEachAsync(members, async (member, token) =>
        {
            var result = await context.RunAsync(member.Node, "date +%s; wg show wg0 latest-handshakes", token).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return [DoctorFinding.Fail(Name, member.Node, $"`wg show wg0` failed: {result.StandardError.Trim()}",
                    "the tunnel interface is missing: `systemctl status wg-quick@wg0` on the node; `gridspan create` again brings it up")];
            }
            var seen = ClusterStatusReader.ParseHandshakes(result.StandardOutput, peerOfKey).ToDictionary(p => p.Peer, p => p.HandshakeAgeSeconds, StringComparer.Ordinal);
            return PeersOf(plan, member).Select(peer =>
            {
                var subject = $"{member.Node} → {peer}";
                return seen.TryGetValue(peer, out var age) && age is { } seconds && seconds <= FreshSeconds
                    ? DoctorFinding.Pass(Name, subject, $"last handshake {seconds} s ago")
                    : DoctorFinding.Fail(Name, subject,
                        !seen.ContainsKey(peer) ? "the peer is not configured on wg0" : age is null ? "no handshake ever" : $"last handshake {age} s ago",
                        $"check that UDP {port} reaches each VPN node's public address from the other (security groups, firewalls between the sites), " +
                        "then `gridspan create` again to rewrite the tunnel's keys and endpoints");
            });
        }, cancellationToken);
    }

    /// <summary>The node's tunnels, each a swanctl connection named after the peer node (IpsecRenderer).</summary>
    private async Task<IEnumerable<DoctorFinding>> IpsecAsync(DoctorContext context, VpnNodePlan member, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var result = await context.RunAsync(member.Node, IpsecSas.ListCommand, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return [DoctorFinding.Fail(Name, member.Node, $"`{IpsecSas.ListCommand}` failed: {(result.StandardError + result.StandardOutput).Trim()}",
                "charon is not running: `systemctl status strongswan` and `journalctl -u strongswan` on the node; `gridspan create` again starts it")];
        }
        var sas = IpsecSas.Parse(result.StandardOutput);
        return PeersOf(plan, member).Select(peer =>
        {
            var subject = $"{member.Node} → {peer}";
            var ofPeer = sas.Where(sa => sa.Connection == peer).ToList();
            if (ofPeer.FirstOrDefault(sa => sa.IsUp) is { } up)
            {
                return DoctorFinding.Pass(Name, subject,
                    $"`{IpsecSas.ListCommand}`: IKE_SA {up.State} {up.EstablishedSecondsAgo} s ago, CHILD_SA {up.Children.First(c => c.StartsWith("INSTALLED", StringComparison.Ordinal))}");
            }
            return DoctorFinding.Fail(Name, subject,
                ofPeer.Count == 0
                    ? $"`{IpsecSas.ListCommand}`: no SA with {peer}"
                    : $"`{IpsecSas.ListCommand}`: IKE_SA {string.Join(", ", ofPeer.Select(sa => sa.State))}, CHILD_SAs [{string.Join("; ", ofPeer.SelectMany(sa => sa.Children))}]",
                $"check that UDP {Planner.IkePort} and {Planner.IkeNatTraversalPort} reach each VPN node's public address from the other (security groups, firewalls " +
                $"between the sites); `swanctl --initiate --child {peer}` on {plan.Overlay.LinkBetween(member.Node, peer)?.From ?? member.Node} shows why IKE fails " +
                "(a wrong key or identity: `gridspan create` again rewrites both ends)");
        });
    }
}
