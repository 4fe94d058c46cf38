using System.Net;

namespace GridSpan.Plan;

/// <summary>One route a node installs.</summary>
/// <param name="Via">The next hop, or null for a route onto <paramref name="Device"/>.</param>
/// <param name="Device">The interface (wg0), or null to let the kernel pick the one that reaches <paramref name="Via"/>.</param>
/// <param name="Mtu">The path MTU of the route, so TCP picks a segment size that crosses every link unfragmented.</param>
/// <param name="Source">The preferred source address, or null.</param>
public sealed record RoutePlan(IPNetwork Destination, IPAddress? Via, string? Device, int Mtu, IPAddress? Source);
