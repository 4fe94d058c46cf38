using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Master;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;
using GridSpan.Testing;

namespace GridSpan.Providers.OpenStack.Tests.Live;

/// <summary>The master's application credential against the harness's real Keystone, Neutron and Nova.</summary>
public sealed class MasterCredentialsLiveTests : IAsyncLifetime, IDisposable
{
    private static readonly RetrySettings Fast = new(2, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(60));

    private readonly string _clusterId = "live-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _masterDirectory = Directory.CreateTempSubdirectory("gridspan-os-master-").FullName;

    public Task InitializeAsync() => OpenStackHarness.EnsureUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_masterDirectory, recursive: true);

    private static readonly OpenStackSiteSettings Settings =
        new(OpenStackHarness.TestCloud, null, null, IPNetwork.Parse("10.47.0.0/24"), "public", ImmutableArray<string>.Empty, null, null, null);

    private static OpenStackSiteProvider Workstation() =>
        OpenStackSiteProvider.Connect("os-master", Settings, OpenStackHarness.Cloud(OpenStackHarness.TestCloud), Fast);

    /// <summary>The master's side: the same cluster.yaml site, resolved by the provider definition through the issued file.</summary>
    private ISiteProvider OnTheMaster() =>
        new OpenStackProviderDefinition(new CloudsFileLocator(_ => null, "/nonexistent", "/nonexistent", _masterDirectory))
            .Connect(new SiteConnection(new SiteSpec("os-master", "openstack", Settings, null, null, []), _clusterId, _masterDirectory, new ProcessCommandRunner()));

    [Fact]
    public async Task The_master_manages_the_clusters_resources_with_its_credential_until_terminate_revokes_it()
    {
        await using var workstation = Workstation();
        try
        {
            var files = await workstation.MasterCredentialsAsync(_clusterId, new Dictionary<string, string>(), CancellationToken.None);
            var (path, content) = Assert.Single(files);
            Assert.Equal($"/etc/gridspan/openstack/{OpenStackHarness.TestCloud}.yaml", path);
            await File.WriteAllTextAsync(MasterCloudsFile.PathFor(OpenStackHarness.TestCloud, _masterDirectory), content);

            await using (var master = OnTheMaster())
            {
                Assert.Empty(await master.ListAsync(_clusterId, CancellationToken.None));
                var network = await master.CreateNetworkAsync(new NetworkRequest("net", _clusterId, IPNetwork.Parse("10.47.0.0/24"), 1400), CancellationToken.None);
                var port = await master.CreatePortAsync(new PortRequest("node-1", _clusterId, network.Id, null, [], []), CancellationToken.None);
                Assert.Contains(await master.ListAsync(_clusterId, CancellationToken.None), r => r.Kind == ResourceKind.Port && r.Id == port.Id);
            }

            await using (var nextCreate = Workstation())
            {
                var again = await nextCreate.MasterCredentialsAsync(_clusterId, files, CancellationToken.None);
                Assert.Equal(content, Assert.Single(again).Value);
            }

            await new ClusterTerminator().TerminateAsync(_clusterId, new Dictionary<string, ISiteProvider> { ["os-master"] = workstation }, null, CancellationToken.None);

            await using var revoked = OnTheMaster();
            var failure = await Assert.ThrowsAsync<GridSpanException>(() => revoked.ListAsync(_clusterId, CancellationToken.None));
            // Keystone answers 404 (could not find application credential) rather than 401 for a deleted one.
            Assert.Contains("Keystone refused to authenticate as application credential", failure.Message, StringComparison.Ordinal);
            Assert.Contains("deleted or revoked", failure.Fix, StringComparison.Ordinal);
            var secret = CloudsFile.Parse(OpenStackHarness.TestCloud, path, content, null).Credentials.ApplicationCredentialSecret!;
            Assert.DoesNotContain(secret, failure.Message + failure.Fix, StringComparison.Ordinal);
        }
        finally
        {
            await new ClusterTerminator().TerminateAsync(_clusterId, new Dictionary<string, ISiteProvider> { ["os-master"] = workstation }, null, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_credential_deleted_behind_GridSpans_back_is_replaced_by_a_working_one()
    {
        await using var workstation = Workstation();
        try
        {
            var first = await workstation.MasterCredentialsAsync(_clusterId, new Dictionary<string, string>(), CancellationToken.None);
            await workstation.RevokeMasterCredentialsAsync(_clusterId, CancellationToken.None);
            await using var nextCreate = Workstation();

            var second = await nextCreate.MasterCredentialsAsync(_clusterId, first, CancellationToken.None);

            Assert.NotEqual(first.Single().Value, second.Single().Value);
            var cloud = CloudsFile.Parse(OpenStackHarness.TestCloud, second.Single().Key, second.Single().Value, null);
            await using var master = OpenStackSiteProvider.Connect("os-master", Settings, cloud, Fast);
            Assert.Empty(await master.ListAsync(_clusterId, CancellationToken.None));
        }
        finally
        {
            await workstation.RevokeMasterCredentialsAsync(_clusterId, CancellationToken.None);
        }
    }
}
