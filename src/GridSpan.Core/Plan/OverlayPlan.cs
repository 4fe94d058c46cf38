using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;

namespace GridSpan.Plan;

/// <summary>
/// The encrypted overlay joining the master and every gateway in a full mesh. Empty members when
/// the cluster has one site (nothing to join).
/// </summary>
/// <param name="OverheadBytes">Bytes the tunnel adds to every packet (see <see cref="OverlayOverhead"/>).</param>
/// <param name="ListenPort">The UDP port WireGuard listens on at every VPN node.</param>
public sealed record OverlayPlan(
    OverlayKind Kind,
    IPNetwork Cidr,
    int OverheadBytes,
    int ListenPort,
    ImmutableArray<VpnNodePlan> Members,
    ImmutableArray<OverlayLink> Links);

/// <summary>A VPN node (master or gateway) with its tunnel settings.</summary>
/// <param name="InterfaceMtu">The tunnel interface's MTU: the largest MTU of its links (routes carry each link's own).</param>
/// <param name="Routes">Routes into the tunnel, one per peer's site and overlay address.</param>
/// <param name="AllowedAddressPairs">Source ranges the node's cloud port must accept besides its own address, because the node forwards traffic from them.</param>
public sealed record VpnNodePlan(
    string Node,
    string Site,
    IPAddress OverlayAddress,
    IPAddress SiteAddress,
    int InterfaceMtu,
    ImmutableArray<RoutePlan> Routes,
    ImmutableArray<IPNetwork> AllowedAddressPairs);

/// <summary>A tunnel between two VPN nodes; its MTU is the smaller of the two sites' MTUs minus the overlay's overhead.</summary>
public sealed record OverlayLink(string From, string To, int Mtu);
