using System.Collections.Immutable;
using System.Net;

namespace GridSpan.Config;

/// <summary>
/// IPv4 ranges no site subnet or overlay may use: addresses that mean something else to every host
/// (an overlay in 127.0.0.0/8 gives the master's wg0 the loopback address). Providers add their own
/// (<see cref="IProviderFormat.ReservedRanges"/>).
/// </summary>
public static class ReservedRanges
{
    public static ImmutableArray<(IPNetwork Range, string Meaning)> Everywhere { get; } =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "'this network'"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved for future use and broadcast"),
    ];

    public static bool Overlap(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);
}
