using GridSpan.Cluster;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// Every VPN node completed a WireGuard handshake with each of its peers recently. WireGuard renews the
/// handshake every 2 minutes while packets flow (the MTU check, run before, sends some), so an older or
/// missing one means the tunnel is down: blocked UDP, a wrong endpoint or key.
/// </summary>
public sealed class VpnCheck : IDoctorCheck
{
    /// <summary>Two renewals' time plus margin.</summary>
    public const int FreshSeconds = 180;

    public string Name => "vpn";

    public string Description => $"every WireGuard peer completed a handshake in the last {FreshSeconds} s";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        var peerOfKey = context.Cluster.Secrets.WireGuard.ToDictionary(p => p.Value.PublicKey, p => p.Key, StringComparer.Ordinal);
        var port = plan.Overlay.ListenPort;
        var members = plan.Overlay.Members.Where(m => context.IsReachable(m.Node));
        return DoctorContext.ForEachAsync(members, async (member, token) =>
        {
            var result = await context.RunAsync(member.Node, "date +%s; wg show wg0 latest-handshakes", token).ConfigureAwait(false);
            var expected = plan.Overlay.Links.Where(l => l.From == member.Node || l.To == member.Node)
                .Select(l => l.From == member.Node ? l.To : l.From).Order(StringComparer.Ordinal).ToList();
            if (!result.Succeeded)
            {
                return [DoctorFinding.Fail(Name, member.Node, $"`wg show wg0` failed: {result.StandardError.Trim()}",
                    "the tunnel interface is missing: `systemctl status wg-quick@wg0` on the node; `gridspan create` again brings it up")];
            }
            var seen = ClusterStatusReader.ParseHandshakes(result.StandardOutput, peerOfKey).ToDictionary(p => p.Peer, p => p.HandshakeAgeSeconds, StringComparer.Ordinal);
            return expected.Select(peer =>
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
}
