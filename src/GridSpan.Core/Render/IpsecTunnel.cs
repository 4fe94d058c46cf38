using System.Collections.Immutable;
using System.Net;

namespace GridSpan.Render;

/// <summary>
/// One IKEv2 site-to-site tunnel as one of its ends sees it, independent of a cluster's nodes, so an end
/// GridSpan did not create (an on-premise VPN host) is described the same way.
/// </summary>
/// <param name="Name">The connection's name in swanctl.</param>
/// <param name="Initiates">This end starts the tunnel and restarts it when it drops; the other end answers. Needs the remote's address.</param>
/// <param name="InterfaceId">The XFRM interface id of the device the routes lead into (kernel ESP), or null where kernel-libipsec's TUN device carries the traffic.</param>
public sealed record IpsecTunnel(string Name, IpsecEndpoint Local, IpsecEndpoint Remote, bool Initiates, int? InterfaceId);

/// <param name="Id">The IKE identity, a DNS name: the pre-shared key is bound to the two ends' identities, not to addresses NAT may change.</param>
/// <param name="Address">Where IKE reaches this end (its public address or name), or null when unknown: then it may connect from anywhere.</param>
/// <param name="Subnets">The ranges behind this end that the tunnel carries (its traffic selectors).</param>
public sealed record IpsecEndpoint(string Id, string? Address, ImmutableArray<IPNetwork> Subnets);
