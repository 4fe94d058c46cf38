namespace GridSpan.Config;

/// <summary>
/// A provider that learns its flavors' sizes by asking the cloud (what <see cref="IProviderFormat.KnownFlavor"/>
/// cannot know offline), including which size minimums such as `cpus>=2 ram>=4GiB` resolve to. `create` and
/// `check` ask it, so the plan they use gives Slurm each node's real CPUs and memory; `plan` and `render` stay
/// offline and warn instead.
/// </summary>
public interface IFlavorLookup
{
    /// <summary>
    /// The sizes of those of <paramref name="flavors"/> (each with an image the site boots it with) that the site's
    /// cloud offers; flavors it does not know are left out. Fails only when the cloud cannot be asked.
    /// </summary>
    Task<IReadOnlyDictionary<string, FlavorSize>> LookupFlavorsAsync(SiteSpec site, IReadOnlyCollection<(string Flavor, string Image)> flavors,
        CancellationToken cancellationToken);
}
