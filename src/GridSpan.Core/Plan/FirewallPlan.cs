using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;

namespace GridSpan.Plan;

/// <summary>
/// What each role accepts, as security-group rules a provider applies. WireGuard UDP is open only
/// between VPN nodes, whose public addresses exist only once they are created: <see cref="VpnPeerRules"/>
/// turns them into rules then.
/// </summary>
/// <param name="ClusterRanges">Every site subnet and the overlay.</param>
public sealed record FirewallPlan(
    ImmutableArray<IPNetwork> ClusterRanges,
    int WireGuardPort,
    ImmutableArray<RoleFirewall> Roles)
{
    public ImmutableArray<SecurityRule> For(NodeRole role) => Roles.Single(r => r.Role == role).Rules;

    /// <summary>Rules that let the given VPN nodes' public addresses reach the tunnel port (apply on master and gateways).</summary>
    public ImmutableArray<SecurityRule> VpnPeerRules(IEnumerable<IPAddress> peerPublicAddresses) =>
        [.. peerPublicAddresses
            .Select(a => a.ToString())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(a => new SecurityRule(IpProtocol.Udp, WireGuardPort, WireGuardPort, Ipv4.Host(IPAddress.Parse(a))))];
}

/// <param name="Why">One line per rule group, for `plan` and the docs.</param>
public sealed record RoleFirewall(NodeRole Role, ImmutableArray<SecurityRule> Rules, ImmutableArray<string> Why);
