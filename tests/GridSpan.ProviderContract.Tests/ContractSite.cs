namespace GridSpan.ProviderContract.Tests;

/// <summary>What a provider's contract test class tells the shared tests about its site.</summary>
/// <param name="Name">The site's name, for messages.</param>
/// <param name="Image">An image the site can boot (as a cluster.yaml would write it).</param>
/// <param name="Flavor">A small flavor of the site.</param>
/// <param name="LimitedServers">How many servers the limited site (<see cref="SiteProviderContract.ConnectLimitedAsync"/>) accepts before it refuses.</param>
/// <param name="RefusalMessage">Words the cloud's own refusal contains (e.g. "Quota exceeded for instances").</param>
/// <param name="ActiveTimeout">How long a server may take to become active.</param>
public sealed record ContractSite(
    string Name,
    string Image,
    string Flavor,
    int LimitedServers,
    string RefusalMessage,
    TimeSpan ActiveTimeout);
