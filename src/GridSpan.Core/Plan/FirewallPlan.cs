using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;

namespace GridSpan.Plan;

/// <summary>
/// What each role accepts, as security-group rules a provider applies. The tunnels' UDP ports
/// (WireGuard's, or IKE's and NAT traversal's under ipsec) are open only between VPN nodes, whose
/// public addresses exist only once they are created: <see cref="VpnPeerRules"/> turns them into rules then.
/// </summary>
/// <param name="ClusterRanges">Every site subnet and the overlay.</param>
/// <param name="TunnelPorts">The UDP ports the VPN nodes' tunnels use.</param>
public sealed record FirewallPlan(
    ImmutableArray<IPNetwork> ClusterRanges,
    ImmutableArray<int> TunnelPorts,
    ImmutableArray<RoleFirewall> Roles)
{
    public ImmutableArray<SecurityRule> For(NodeRole role) => Roles.Single(r => r.Role == role).Rules;

    /// <summary>Rules that let the given VPN nodes' public addresses reach the tunnel ports (apply on master and gateways).</summary>
    public ImmutableArray<SecurityRule> VpnPeerRules(IEnumerable<IPAddress> peerPublicAddresses) =>
        [.. peerPublicAddresses
            .Select(a => a.ToString())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .SelectMany(a => TunnelPorts.Select(port => new SecurityRule(IpProtocol.Udp, port, port, Ipv4.Host(IPAddress.Parse(a)))))];
}

/// <param name="Why">One line per rule group, for `plan` and the docs.</param>
public sealed record RoleFirewall(NodeRole Role, ImmutableArray<SecurityRule> Rules, ImmutableArray<string> Why);
