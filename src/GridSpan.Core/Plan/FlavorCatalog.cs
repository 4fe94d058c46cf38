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

    /// <summary>Asks each site's provider for the size of every flavor the site uses.</summary>
    public static FlavorCatalog FromProviders(ClusterSpec spec, IProviderCatalog providers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(providers);
        var sizes = new Dictionary<(string, string), FlavorSize>();
        foreach (var site in spec.Sites)
        {
            var provider = providers.Find(site.Provider);
            if (provider is null)
            {
                continue;
            }
            var flavors = site.Workers.Select(w => w.Flavor)
                .Append(site.Master?.Flavor).Append(site.Gateway?.Flavor)
                .OfType<string>().Distinct(StringComparer.Ordinal);
            foreach (var flavor in flavors)
            {
                if (provider.KnownFlavor(site.Settings, flavor) is { } size)
                {
                    sizes[(site.Name, flavor)] = size;
                }
            }
        }
        return new FlavorCatalog(sizes);
    }

    public FlavorSize? Find(string site, string flavor) => _sizes.GetValueOrDefault((site, flavor));
}
