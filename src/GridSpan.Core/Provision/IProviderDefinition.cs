namespace GridSpan.Provision;

/// <summary>
/// Everything the core knows about one kind of site (local, openstack, ...): its part of
/// cluster.yaml (<see cref="Config.IProviderFormat"/>) and how to reach its cloud. Adding a provider
/// means writing one of these and registering it in <see cref="ProviderRegistry"/>; the core never
/// names a provider.
/// </summary>
public interface IProviderDefinition : Config.IProviderFormat
{
    /// <summary>Connects to the site's cloud to create, list and delete resources.</summary>
    ISiteProvider Connect(SiteConnection connection);
}
