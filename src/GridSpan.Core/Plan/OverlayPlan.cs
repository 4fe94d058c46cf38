using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;

namespace GridSpan.Plan;

/// <summary>
/// The encrypted overlay joining the master and every gateway (and the vxlan switch) in a full mesh of
/// tunnels: WireGuard, or IPsec site-to-site tunnels under ipsec. Empty members when the cluster has one
/// site (nothing to join). Under vxlan, the WireGuard mesh is the underlay between sites and
/// <see cref="Switch"/> the overlay every node's traffic takes.
/// </summary>
/// <param name="Cidr">The mesh's tunnel addresses (overlay.cidr, or overlay.tunnelCidr under vxlan).</param>
/// <param name="OverheadBytes">Bytes the mesh's tunnel adds to every packet (see <see cref="OverlayOverhead"/>).</param>
/// <param name="ListenPort">The UDP port the tunnels are negotiated on at every VPN node: WireGuard's, or IKE's under ipsec (which also uses <see cref="Planner.IkeNatTraversalPort"/>).</param>
public sealed record OverlayPlan(
    OverlayKind Kind,
    IPNetwork Cidr,
    int OverheadBytes,
    int ListenPort,
    ImmutableArray<VpnNodePlan> Members,
    ImmutableArray<OverlayLink> Links)
{
    /// <summary>The vxlan overlay's switch and its ports, or null under another overlay.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SwitchPlan? Switch { get; init; }

    /// <summary>The tunnel interface on every VPN node, where the routes to the other sites lead.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Device => DeviceOf(Kind);

    public static string DeviceOf(OverlayKind kind) => kind == OverlayKind.Ipsec ? "ipsec0" : "wg0";

    /// <summary>The unit that brings the tunnels up on a VPN node (and runs its routes script once they are).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Service => Kind == OverlayKind.Ipsec ? "strongswan.service" : "wg-quick@wg0.service";

    /// <summary>The tunnel between two VPN nodes, or null when they are not both members.</summary>
    public OverlayLink? LinkBetween(string a, string b) =>
        Links.FirstOrDefault(l => (l.From == a && l.To == b) || (l.From == b && l.To == a));
}

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
/// <param name="From">The end that comes first in the plan; under ipsec the end that initiates.</param>
public sealed record OverlayLink(string From, string To, int Mtu)
{
    /// <summary>The tunnel's name in the cluster's secrets (its IPsec pre-shared key).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Name => $"{From}~{To}";
}

/// <summary>
/// The vxlan overlay: a Linux bridge on the switch node with one unicast VXLAN port per node, each
/// node's vx0 a tunnel to the switch, so every frame between two nodes crosses the bridge.
/// </summary>
/// <param name="Cidr">The switched segment: every node's and the switch's address.</param>
/// <param name="Address">The switch's own address on the segment (on its bridge), for health checks.</param>
/// <param name="UnderlayAddress">The switch's site address, where every node's tunnel ends.</param>
/// <param name="Mtu">The segment's MTU, the same on every port: the smallest path MTU from a node to the switch minus VXLAN's overhead.</param>
/// <param name="Port">VXLAN's UDP port.</param>
/// <param name="Ports">One port per node, on-demand nodes included (their ports come and go with them).</param>
public sealed record SwitchPlan(
    string Node,
    string Site,
    IPNetwork Cidr,
    IPAddress Address,
    IPAddress UnderlayAddress,
    int Mtu,
    int Port,
    ImmutableArray<SwitchPortPlan> Ports)
{
    /// <summary>The bridge on the switch.</summary>
    public const string Bridge = "br0";

    /// <summary>Every node's tunnel interface.</summary>
    public const string NodeDevice = "vx0";

    public SwitchPortPlan PortOf(string node) => Ports.First(p => p.Node == node);
}

/// <summary>A node's port on the switch: a VXLAN device of its own VNI whose remote is the node's site address.</summary>
/// <param name="Vni">The VXLAN network identifier, the node's offset in the segment, so it never changes while the node's address does not.</param>
/// <param name="Device">The port's device name on the switch (vx&lt;vni&gt;).</param>
/// <param name="UnderlayPathMtu">The path MTU between the node and the switch (the outer packets' limit).</param>
/// <param name="OnDemand">The port exists only while the node does: the master's hooks add it when Slurm starts the node and remove it when Slurm deletes it.</param>
public sealed record SwitchPortPlan(string Node, int Vni, string Device, IPAddress Remote, IPAddress SwitchedAddress, int UnderlayPathMtu, bool OnDemand);
