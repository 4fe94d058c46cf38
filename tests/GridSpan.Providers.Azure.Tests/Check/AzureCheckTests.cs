using System.Collections.Immutable;
using GridSpan.Config;
using GridSpan.Provision;
using GridSpan.Providers.Azure.Check;
using GridSpan.Providers.Azure.Settings;
using GridSpan.Testing.FakeArm;

namespace GridSpan.Providers.Azure.Tests.Check;

public sealed class AzureCheckTests : IDisposable
{
    private readonly FakeArm _arm = new();

    public void Dispose() => _arm.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    private SiteSpec Site(string image = "Debian:debian-12:12-gen2:latest", string workerSize = "Standard_D4s_v5", int workers = 2, int onDemand = 3,
        AzureSiteSettings? settings = null) =>
        new("azure-we", "azure", settings ?? _arm.Settings(), new MasterSpec("Standard_D2s_v5", image, false), null,
            [new WorkerGroupSpec("cpu", workerSize, image, workers, onDemand, [])]);

    private static Task<ImmutableArray<CheckFinding>> CheckAsync(SiteSpec site) => new AzureCheck(FakeArmAccess.Access()).CheckSiteAsync(site, Timeout());

    [Fact]
    public async Task A_site_that_fits_is_confirmed_item_by_item()
    {
        var findings = await CheckAsync(Site());

        Assert.Equal(
        [
            "site 'azure-we': ok: Azure accepts the credentials (subscription 'GridSpan tests', 00000000-0000-4000-8000-0000000000a1) in westeurope",
            "site 'azure-we': ok: image Debian:debian-12:12-gen2:latest is Debian:debian-12:12-gen2:0.20250311.2053",
            "site 'azure-we': ok: VM size Standard_D2s_v5: 2 vCPUs, 8192 MiB (family standardDSv5Family)",
            "site 'azure-we': ok: VM size Standard_D4s_v5: 4 vCPUs, 16384 MiB (family standardDSv5Family)",
            "site 'azure-we': ok: 22 vCPUs of standardDSv5Family in westeurope fit the quota of 100 (0 in use)",
            "site 'azure-we': ok: 22 vCPUs in westeurope fit the quota of 100 (0 in use)",
        ], findings.Select(f => f.ToString()));
    }

    [Fact]
    public async Task A_missing_image_is_a_problem_naming_it_and_how_to_look_it_up()
    {
        var findings = await CheckAsync(Site(image: "Debian:debian-13:13-gen2:latest"));

        var problem = Assert.Single(findings, f => !f.Ok);
        Assert.Equal("the marketplace has no image Debian:debian-13:13-gen2:latest in westeurope", problem.Text);
        Assert.Equal("look the image up with `az vm image list --location westeurope --publisher Debian --offer debian-13 --all`", problem.Fix);
    }

    [Fact]
    public async Task A_pinned_image_version_that_does_not_exist_is_a_problem()
    {
        var findings = await CheckAsync(Site(image: "Debian:debian-12:12-gen2:0.20990101.1"));

        Assert.Equal("the marketplace has no image Debian:debian-12:12-gen2:0.20990101.1 in westeurope", Assert.Single(findings, f => !f.Ok).Text);
    }

    [Fact]
    public async Task An_unknown_vm_size_is_a_problem_and_a_restricted_one_says_why()
    {
        var unknown = await CheckAsync(Site(workerSize: "Standard_Z9s_v9"));
        var restricted = await CheckAsync(Site(workerSize: "Standard_HB120rs_v3"));

        Assert.Equal("VM size Standard_Z9s_v9 is not offered in westeurope", Assert.Single(unknown, f => !f.Ok).Text);
        Assert.Equal("VM size Standard_HB120rs_v3 is offered in westeurope, but not to this subscription (NotAvailableForSubscription)",
            Assert.Single(restricted, f => !f.Ok).Text);
    }

    [Fact]
    public async Task An_exhausted_family_quota_is_a_problem_counting_the_on_demand_nodes_too()
    {
        _arm.Quotas["standardDSv5Family"] = 24;
        _arm.UsedElsewhere["standardDSv5Family"] = 4;

        var findings = await CheckAsync(Site());

        var problem = Assert.Single(findings, f => !f.Ok);
        Assert.Equal("the site needs 22 vCPUs of standardDSv5Family in westeurope, but the quota is 24 and 4 are in use", problem.Text);
        Assert.StartsWith("ask for more", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_the_credentials_do_not_see_stops_the_check_there()
    {
        var findings = await CheckAsync(Site(settings: _arm.Settings() with { Subscription = "00000000-0000-4000-8000-0000000000ff" }));

        var problem = Assert.Single(findings);
        Assert.False(problem.Ok);
        Assert.Equal("the credentials see no subscription 00000000-0000-4000-8000-0000000000ff", problem.Text);
        Assert.Equal("check the site's `subscription` (`az account list`) and that the credentials have a role in it", problem.Fix);
    }

    [Fact]
    public async Task Without_credentials_the_check_says_how_to_give_them_and_asks_arm_nothing()
    {
        var access = new GridSpan.Providers.Azure.Api.ArmAccess(new NoCredentials());

        var findings = await new AzureCheck(access).CheckSiteAsync(Site(), Timeout());

        var problem = Assert.Single(findings);
        Assert.Equal("no Azure credentials could be had: no credential in this test", problem.Text);
        Assert.StartsWith("run `az login`", problem.Fix, StringComparison.Ordinal);
        Assert.Empty(_arm.Requests);
    }

    private sealed class NoCredentials : global::Azure.Core.TokenCredential
    {
        public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new global::Azure.Identity.CredentialUnavailableException("no credential in this test");

        public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new global::Azure.Identity.CredentialUnavailableException("no credential in this test");
    }

    [Fact]
    public async Task Flavor_sizes_for_the_plan_come_from_the_resource_skus()
    {
        var sizes = await new AzureProviderDefinition(FakeArmAccess.Access()).LookupFlavorsAsync(Site(),
            [("Standard_D4s_v5", "Debian:debian-12:12-gen2:latest"), ("Standard_Z9s_v9", "Debian:debian-12:12-gen2:latest")], Timeout());

        Assert.Equal(new FlavorSize(4, 16384), Assert.Single(sizes).Value);
    }
}
