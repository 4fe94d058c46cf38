using GridSpan.Providers.Local;
using GridSpan.Provision;

namespace GridSpan.ProviderContract.Tests.Local;

/// <summary>The provider contract against local clouds of the test's own (systemd containers on this machine, as root).</summary>
public sealed class LocalSiteProviderContractTests(LocalContractClouds clouds) : SiteProviderContract, IClassFixture<LocalContractClouds>
{
    protected override ContractSite Site { get; } = new(
        "local-contract",
        "debian-12",
        "tiny",
        LocalContractClouds.LimitedServers,
        RefusalMessage: "quota exceeded",
        ActiveTimeout: TimeSpan.FromMinutes(2));

    protected override Task<ISiteProvider> ConnectAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ISiteProvider>(new LocalSiteProvider(clouds.Open.Cloud, Site.Name));

    protected override async Task<ISiteProvider> ConnectLimitedAsync(CancellationToken cancellationToken) =>
        new LocalSiteProvider((await clouds.LimitedAsync().WaitAsync(cancellationToken)).Cloud, Site.Name);

    protected override async Task<IReadOnlyCollection<string>> IngressRulesAsync(string groupId, CancellationToken cancellationToken) =>
        [.. (await clouds.Open.Cloud.Store.ReadAsync(cancellationToken)).SecurityGroups.Single(g => g.Id == groupId).Rules
            .Select(r => Describe(r.Protocol, r.PortMin, r.PortMax, r.Source))];
}
