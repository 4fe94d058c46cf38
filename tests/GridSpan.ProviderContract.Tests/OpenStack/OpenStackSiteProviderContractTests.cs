using System.Collections.Immutable;
using GridSpan.Providers.OpenStack;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;
using GridSpan.Testing;

namespace GridSpan.ProviderContract.Tests.OpenStack;

/// <summary>The provider contract against the real OpenStack of scripts/openstack-harness, as a project member.</summary>
public sealed class OpenStackSiteProviderContractTests : SiteProviderContract
{
    protected override ContractSite Site { get; } = new(
        "openstack-contract",
        OpenStackHarness.ImagePattern,
        OpenStackHarness.Flavor,
        LimitedServers: 1,
        RefusalMessage: "Quota exceeded for instances",
        ActiveTimeout: TimeSpan.FromMinutes(2));

    protected override async Task<ISiteProvider> ConnectAsync(CancellationToken cancellationToken)
    {
        await OpenStackHarness.EnsureUpAsync();
        return Connect(OpenStackHarness.TestCloud);
    }

    protected override async Task<ISiteProvider> ConnectLimitedAsync(CancellationToken cancellationToken)
    {
        await OpenStackHarness.EnsureUpAsync();
        return Connect(OpenStackHarness.QuotaCloud);
    }

    private OpenStackSiteProvider Connect(string cloud) =>
        OpenStackSiteProvider.Connect(Site.Name,
            new OpenStackSiteSettings(cloud, null, null, null, "public", ImmutableArray<string>.Empty, null, null, null),
            OpenStackHarness.Cloud(cloud));
}
