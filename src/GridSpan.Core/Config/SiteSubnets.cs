using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;

namespace GridSpan.Config;

/// <summary>
/// Each site's subnet: the one its provider section gives, or the first free 10.N.0.0 range (N from
/// 11) large enough for its nodes. Validation asks the same question as the planner, so a file that
/// validates always plans.
/// </summary>
public static class SiteSubnets
{
    /// <summary>Addresses below this offset in a site subnet are left to the cloud (router .1, DHCP and metadata ports).</summary>
    public const int FirstNodeOffset = 10;

    /// <summary>The VPN node sits at <see cref="FirstNodeOffset"/>; the largest subnet GridSpan chooses is a /16.</summary>
    public const int MaxNodesPerSite = (1 << 16) - 2 - FirstNodeOffset;

    /// <param name="Subnet">Null when <see cref="Problem"/> says why none fits.</param>
    /// <param name="Chosen">Whether GridSpan chose it (the file gave none).</param>
    public sealed record Choice(IPNetwork? Subnet, bool Chosen, string? Problem, string? Fix);

    /// <summary>One choice per site, in the spec's order.</summary>
    public static ImmutableArray<Choice> Choose(ClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var taken = new List<IPNetwork> { spec.Overlay.Cidr };
        if (spec.Overlay.TunnelCidr is { } tunnel)
        {
            taken.Add(tunnel);
        }
        taken.AddRange(spec.Sites.Select(s => s.Settings.Subnet).OfType<IPNetwork>());
        var result = ImmutableArray.CreateBuilder<Choice>(spec.Sites.Length);
        var nextCandidate = 11;
        foreach (var site in spec.Sites)
        {
            // The VPN node sits at FirstNodeOffset, workers follow; the last address is the broadcast.
            var workers = site.Workers.Sum(w => (long)w.Count + w.OnDemand);
            var lastOffset = FirstNodeOffset + workers;
            if (site.Settings.Subnet is { } given)
            {
                result.Add(lastOffset > Ipv4.Size(given) - 2
                    ? new Choice(null, false,
                        $"the subnet {given} of site '{site.Name}' has room for {Math.Max(0, Ipv4.Size(given) - 2 - FirstNodeOffset)} nodes but the site has {workers + 1} (its VPN node and {workers} workers; the first {FirstNodeOffset} addresses are left to the cloud)",
                        $"give site '{site.Name}' a larger subnet, or leave it out and GridSpan chooses one")
                    : new Choice(given, false, null, null));
                continue;
            }
            var prefix = 24;
            while (prefix > 16 && lastOffset > (1L << (32 - prefix)) - 2)
            {
                prefix--;
            }
            if (lastOffset > (1L << (32 - prefix)) - 2)
            {
                result.Add(new Choice(null, true,
                    $"site '{site.Name}' has {workers + 1} nodes, more than the {MaxNodesPerSite} one /16 subnet holds",
                    "split the site's workers over several sites"));
                continue;
            }
            IPNetwork? chosen = null;
            for (; nextCandidate <= 254 && chosen is null; nextCandidate++)
            {
                var candidate = new IPNetwork(new IPAddress([10, (byte)nextCandidate, 0, 0]), prefix);
                if (!taken.Exists(t => Ipv4.Overlaps(t, candidate)))
                {
                    chosen = candidate;
                }
            }
            if (chosen is not { } subnet)
            {
                result.Add(new Choice(null, true,
                    $"no free /{prefix} subnet is left in 10.11.0.0 to 10.254.0.0 for site '{site.Name}'",
                    $"give site '{site.Name}' a subnet in its provider section"));
                continue;
            }
            taken.Add(subnet);
            result.Add(new Choice(subnet, true, null, null));
        }
        return result.MoveToImmutable();
    }
}
