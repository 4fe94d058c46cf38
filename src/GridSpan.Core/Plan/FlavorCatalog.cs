using System.Collections.Immutable;
using GridSpan.Config;

namespace GridSpan.Plan;

/// <summary>
/// The size of each (site, flavor) the cluster uses, as the sites' providers know them. The planner
/// takes it as input so planning stays pure; flavors missing here get <see cref="Fallback"/> and a warning.
/// </summary>
public sealed class FlavorCatalog
{
    /// <summary>The size assumed for an unknown flavor: small enough that Slurm never expects more than the server has.</summary>
    public static FlavorSize Fallback { get; } = new(1, 1024);

    private readonly ImmutableSortedDictionary<(string Site, string Flavor), FlavorSize> _sizes;

    public FlavorCatalog(IEnumerable<KeyValuePair<(string Site, string Flavor), FlavorSize>> sizes)
    {
        _sizes = sizes.ToImmutableSortedDictionary();
    }

    public static FlavorCatalog Empty { get; } = new([]);

    /// <summary>The size of every flavor each site uses, as its provider knows it offline (<see cref="IProviderFormat.KnownFlavor"/>).</summary>
    public static FlavorCatalog FromProviders(ClusterSpec spec, IProviderCatalog providers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(providers);
        var sizes = new Dictionary<(string, string), FlavorSize>();
        foreach (var site in spec.Sites)
        {
            if (providers.Find(site.Provider) is not { } provider)
            {
                continue;
            }
            foreach (var (flavor, _) in FlavorsOf(site))
            {
                if (provider.KnownFlavor(site.Settings, flavor) is { } size)
                {
                    sizes[(site.Name, flavor)] = size;
                }
            }
        }
        return new FlavorCatalog(sizes);
    }

    /// <summary>
    /// As <see cref="FromProviders"/>, and then asks the cloud of every site whose provider can look flavors up
    /// (<see cref="IFlavorLookup"/>) for the sizes still unknown. Sites are asked in parallel.
    /// </summary>
    public static async Task<FlavorCatalog> FromCloudsAsync(ClusterSpec spec, IProviderCatalog providers, CancellationToken cancellationToken)
    {
        var known = FromProviders(spec, providers);
        var sizes = new Dictionary<(string, string), FlavorSize>(known._sizes);
        var lookups = spec.Sites
            .Select(site => (Site: site, Lookup: providers.Find(site.Provider) as IFlavorLookup,
                Missing: FlavorsOf(site).Where(f => known.Find(site.Name, f.Flavor) is null).ToList()))
            .Where(s => s.Lookup is not null && s.Missing.Count > 0)
            .Select(async s => (s.Site.Name, Sizes: await s.Lookup!.LookupFlavorsAsync(s.Site, s.Missing, cancellationToken).ConfigureAwait(false)));
        foreach (var (site, found) in await Task.WhenAll(lookups).ConfigureAwait(false))
        {
            foreach (var (flavor, size) in found)
            {
                sizes[(site, flavor)] = size;
            }
        }
        return new FlavorCatalog(sizes);
    }

    /// <summary>The distinct flavors of a site, each with the image of the first node that uses it.</summary>
    private static IEnumerable<(string Flavor, string Image)> FlavorsOf(SiteSpec site) =>
        site.Workers.Select(w => (w.Flavor, w.Image))
            .Prepend(site.Gateway is { } g ? (g.Flavor, g.Image) : default)
            .Prepend(site.Switch is { } sw ? (sw.Flavor, sw.Image) : default)
            .Prepend(site.Master is { } m ? (m.Flavor, m.Image) : default)
            .Where(f => f.Flavor is not null)
            .DistinctBy(f => f.Flavor, StringComparer.Ordinal);

    public FlavorSize? Find(string site, string flavor) => _sizes.GetValueOrDefault((site, flavor));
}
