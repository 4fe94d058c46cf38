
namespace GridSpan.Config.Validation;

/// <summary>
/// Whether every site's nodes fit its subnet, GridSpan finds a subnet for the sites that give none,
/// and every tunnel keeps an MTU IPv4 can use. The planner asks the same questions (through
/// <see cref="SiteSubnets"/> and <see cref="OverlayOverhead"/>); here the answer gets a position.
/// </summary>
internal static class CapacityRules
{
    public static void Check(ClusterSpec spec, IReadOnlyList<ConfigSection> sites, ICollection<ConfigError> errors)
    {
        var choices = SiteSubnets.Choose(spec);
        for (var i = 0; i < choices.Length && i < sites.Count; i++)
        {
            if (choices[i].Problem is { } problem)
            {
                var (location, path) = SubnetOrWorkers(sites[i], spec.Sites[i].Provider, choices[i].Chosen);
                errors.Add(new ConfigError(location, path, problem, choices[i].Fix ?? ""));
            }
        }
        if (spec.Sites.Length < 2)
        {
            return;
        }
        var overhead = OverlayOverhead.Of(spec.Overlay.Kind);
        for (var i = 0; i < spec.Sites.Length && i < sites.Count; i++)
        {
            var mtu = spec.Sites[i].Settings.Mtu ?? Mtu.SiteDefault;
            if (mtu - overhead < Mtu.Minimum)
            {
                var provider = sites[i].Section(spec.Sites[i].Provider);
                var (location, path) = provider is not null && provider.Declares("mtu") && provider.Has("mtu")
                    ? (provider.LocationOf("mtu"), provider.PathOf("mtu"))
                    : (sites[i].LocationOf(spec.Sites[i].Provider), sites[i].PathOf(spec.Sites[i].Provider));
                errors.Add(new ConfigError(location, path,
                    $"the MTU {mtu} of site '{spec.Sites[i].Name}' leaves its tunnels {mtu - overhead} bytes after the overlay's {overhead}, below IPv4's minimum of {Mtu.Minimum}",
                    $"raise the site's MTU to at least {Mtu.Minimum + overhead}"));
            }
        }
    }

    /// <summary>A given subnet that is too small is reported there; a site too big for any subnet at its workers.</summary>
    private static (SourceLocation Location, string Path) SubnetOrWorkers(ConfigSection site, string provider, bool chosen)
    {
        var section = site.Section(provider);
        if (!chosen && section is not null && section.Declares("subnet") && section.Has("subnet"))
        {
            return (section.LocationOf("subnet"), section.PathOf("subnet"));
        }
        return site.Has("workers") ? (site.LocationOf("workers"), site.PathOf("workers")) : (site.LocationOf("name"), site.PathOf("name"));
    }
}
