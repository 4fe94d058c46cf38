using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;
using GridSpan.Providers.OpenStack.Check;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Testing;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack.Tests.Live;

/// <summary>`gridspan check` against the real OpenStack of scripts/openstack-harness.</summary>
public sealed class OpenStackCheckTests : IAsyncLifetime
{
    private static readonly RetrySettings Fast = new(2, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

    public Task InitializeAsync() => OpenStackHarness.EnsureUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static OpenStackCheck Check(string cloudsPath) =>
        new(new CloudsFileLocator(name => name == "OS_CLIENT_CONFIG_FILE" ? cloudsPath : null, "/nonexistent", "/nonexistent"), Fast);

    private static SiteSpec Site(string cloud, MasterSpec master, params WorkerGroupSpec[] workers) =>
        new("site-" + cloud, "openstack",
            new OpenStackSiteSettings(cloud, null, null, IPNetwork.Parse("10.20.0.0/24"), "public", ImmutableArray<string>.Empty, null, null, null),
            master, null, [.. workers]);

    private static IEnumerable<string> Problems(ImmutableArray<CheckFinding> findings) => findings.Where(f => !f.Ok).Select(f => f.Text);

    [Fact]
    public async Task A_missing_image_and_a_missing_flavor_are_reported_with_what_the_project_has()
    {
        var site = Site(OpenStackHarness.TestCloud, new MasterSpec(OpenStackHarness.Flavor, "no-such-image", false),
            new WorkerGroupSpec("big", "gs.huge", OpenStackHarness.ImagePattern, 1, 0, []));

        var findings = await Check(OpenStackHarness.CloudsFilePath).CheckSiteAsync(site, CancellationToken.None);

        var problems = Problems(findings).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("no active image matches 'no-such-image'", StringComparison.Ordinal)
            && p.Contains("gridspan-test-image-1, gridspan-test-image-2", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("no flavor matches 'gs.huge'", StringComparison.Ordinal)
            && p.Contains("gs.tiny (1 CPU, 512 MiB)", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Ok && f.Text.StartsWith($"image '{OpenStackHarness.ImagePattern}' is gridspan-test-image-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exceeded_quotas_are_all_reported_with_the_clouds_own_numbers()
    {
        // gridspan-quota allows 1 instance, 2 cores, 2048 MiB; the site needs 1 + 1 + 3 on demand.
        var site = Site(OpenStackHarness.QuotaCloud, new MasterSpec("gs.small", OpenStackHarness.Image, false),
            new WorkerGroupSpec("cpu", "gs.tiny", OpenStackHarness.Image, 1, 3, []));

        var findings = await Check(OpenStackHarness.CloudsFilePath).CheckSiteAsync(site, CancellationToken.None);

        var problems = Problems(findings).ToList();
        Assert.Contains(problems, p => p.StartsWith("instances: the cluster needs up to 5 ", StringComparison.Ordinal) && p.Contains("the project's quota is 1 with", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("cores: the cluster needs up to 5 ", StringComparison.Ordinal) && p.Contains("the project's quota is 2 with", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("RAM (MiB): the cluster needs up to 3072 ", StringComparison.Ordinal) && p.Contains("the project's quota is 2048 with", StringComparison.Ordinal));
        Assert.All(findings.Where(f => !f.Ok), f => Assert.NotNull(f.Fix));
    }

    [Fact]
    public async Task Two_sites_in_one_project_are_checked_against_its_quota_together()
    {
        // gridspan-quota allows 1 instance and 6 ports: each site alone needs 1 instance and 2 ports.
        SiteSpec Alone(string name) => Site(OpenStackHarness.QuotaCloud, new MasterSpec("gs.tiny", OpenStackHarness.Image, false)) with { Name = name };

        var each = await Check(OpenStackHarness.CloudsFilePath).CheckSitesAsync([Alone("alpha")], CancellationToken.None);
        var both = await Check(OpenStackHarness.CloudsFilePath).CheckSitesAsync([Alone("alpha"), Alone("beta")], CancellationToken.None);

        Assert.DoesNotContain(Problems(each), p => p.StartsWith("instances:", StringComparison.Ordinal));
        var instances = Assert.Single(both, f => f.Text.StartsWith("instances: the cluster needs up to 2 ", StringComparison.Ordinal));
        Assert.False(instances.Ok);
        Assert.Equal("alpha, beta", instances.Site);
        Assert.Contains("sites alpha, beta share this project", instances.Text, StringComparison.Ordinal);
        Assert.Contains(both, f => f.Text.StartsWith("ports: the cluster needs up to 4 ", StringComparison.Ordinal));
        Assert.Single(both, f => f.Text.StartsWith("cores:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cluster_that_fits_passes_every_check()
    {
        var site = Site(OpenStackHarness.TestCloud, new MasterSpec("gs.small", OpenStackHarness.ImagePattern, false),
            new WorkerGroupSpec("cpu", "cpus>=2 ram>=2GiB", OpenStackHarness.Image, 2, 4, []));

        var findings = await Check(OpenStackHarness.CloudsFilePath).CheckSiteAsync(site, CancellationToken.None);

        Assert.Empty(Problems(findings));
        Assert.Contains(findings, f => f.Text.StartsWith("flavor 'cpus>=2 ram>=2GiB' is gs.medium", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Text.StartsWith("instances: the cluster needs up to 7 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_without_the_password()
    {
        using var clouds = new TempClouds("""
            clouds:
              wrong:
                auth: { auth_url: "http://127.0.0.1:5000/v3", username: gridspan-test, password: not-the-password-42, project_name: gridspan-test, user_domain_name: Default, project_domain_name: Default }
            """);
        var site = Site("wrong", new MasterSpec(OpenStackHarness.Flavor, OpenStackHarness.Image, false));

        var findings = await Check(clouds.Path).CheckSiteAsync(site, CancellationToken.None);

        var problem = Assert.Single(Problems(findings));
        Assert.Contains("Keystone refused to authenticate as user gridspan-test", problem, StringComparison.Ordinal);
        Assert.Contains("HTTP 401 Unauthorized", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", string.Join("\n", findings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cloud_is_reported_as_such()
    {
        using var clouds = new TempClouds("""
            clouds:
              gone:
                auth: { auth_url: "http://127.0.0.1:9/v3", username: u, password: p, project_name: x }
            """);
        var site = Site("gone", new MasterSpec(OpenStackHarness.Flavor, OpenStackHarness.Image, false));

        var findings = await Check(clouds.Path).CheckSiteAsync(site, CancellationToken.None);

        var problem = Assert.Single(Problems(findings));
        Assert.Contains("Keystone did not answer", problem, StringComparison.Ordinal);
    }

    private sealed class TempClouds : IDisposable
    {
        public TempClouds(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gridspan-clouds-{Guid.NewGuid():N}.yaml");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
