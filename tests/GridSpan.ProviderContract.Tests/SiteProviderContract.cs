using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Testing;

namespace GridSpan.ProviderContract.Tests;

/// <summary>
/// The behaviour every <see cref="ISiteProvider"/> must show, run against a real cloud.
/// To test a provider, subclass this in a sealed class and provide:
/// <list type="bullet">
/// <item><see cref="Site"/>: an image and a small flavor that exist, and what a quota refusal says;</item>
/// <item><see cref="ConnectAsync"/>: a provider for a site with room for a few servers, ports and a floating IP
/// (bring the cloud up here, e.g. through a fixture);</item>
/// <item><see cref="ConnectLimitedAsync"/>: a provider for a site whose quota accepts exactly
/// <see cref="ContractSite.LimitedServers"/> servers (of <see cref="ContractSite.Flavor"/>), so the next create is refused.</item>
/// </list>
/// Every test works under a fresh cluster id and terminates it afterwards, even when it fails, so
/// tests can share one cloud. Tests of one class run one after another (xUnit), different providers side by side.
/// </summary>
public abstract class SiteProviderContract : IAsyncLifetime
{
    private readonly List<(ISiteProvider Provider, string ClusterId)> _clusters = [];
    private ISiteProvider? _provider;

    protected abstract ContractSite Site { get; }

    protected abstract Task<ISiteProvider> ConnectAsync(CancellationToken cancellationToken);

    protected abstract Task<ISiteProvider> ConnectLimitedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The group's inbound rules as the cloud itself holds them (read around the provider), each as
    /// "tcp 22-22 from 0.0.0.0/0" or, without ports, "any from 10.77.0.0/24".
    /// </summary>
    protected abstract Task<IReadOnlyCollection<string>> IngressRulesAsync(string groupId, CancellationToken cancellationToken);

    protected static string Describe(string protocol, int? portMin, int? portMax, string source) =>
        protocol is "tcp" or "udp" ? $"{protocol} {portMin}-{portMax} from {source}" : $"{protocol} from {source}";

    protected static CancellationToken Timeout(int minutes = 5) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    protected ISiteProvider Provider => _provider ?? throw new InvalidOperationException("not connected");

    public async Task InitializeAsync() => _provider = await ConnectAsync(Timeout()).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var (provider, clusterId) in _clusters)
        {
            try
            {
                await TerminateAsync(provider, clusterId).ConfigureAwait(false);
            }
            catch (Exception failure)
            {
                failures.Add(failure);
            }
        }
        foreach (var provider in _clusters.Select(c => c.Provider).Append(_provider).Distinct())
        {
            if (provider is not null)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }
        }
        if (failures.Count > 0)
        {
            throw new AggregateException("cleaning up the contract test's clusters failed", failures);
        }
    }

    /// <summary>A fresh cluster id that <see cref="DisposeAsync"/> terminates.</summary>
    protected string NewCluster(ISiteProvider? provider = null)
    {
        var id = "contract-" + Guid.NewGuid().ToString("N")[..10];
        _clusters.Add((provider ?? Provider, id));
        return id;
    }

    private static readonly IPNetwork SiteCidr = IPNetwork.Parse("10.77.0.0/24");

    private sealed record BaseSite(NetworkInfo Network, SecurityGroupInfo Group, KeyPairInfo Key);

    private static async Task<BaseSite> CreateBaseAsync(ISiteProvider provider, string clusterId, CancellationToken cancellationToken)
    {
        var network = await provider.CreateNetworkAsync(new NetworkRequest("net", clusterId, SiteCidr, 1400), cancellationToken);
        var group = await provider.CreateSecurityGroupAsync(new SecurityGroupRequest("nodes", clusterId,
        [
            new SecurityRule(IpProtocol.Tcp, 22, 22, IPNetwork.Parse("0.0.0.0/0")),
            new SecurityRule(IpProtocol.Udp, 51820, 51820, IPNetwork.Parse("0.0.0.0/0")),
            new SecurityRule(IpProtocol.Any, 0, 0, SiteCidr),
        ]), cancellationToken);
        var key = await provider.CreateKeyPairAsync(new KeyPairRequest("admin", clusterId, TestSshKey.NewRsaPublicKey()), cancellationToken);
        return new BaseSite(network, group, key);
    }

    private static Task<PortInfo> CreatePortAsync(ISiteProvider provider, string clusterId, BaseSite site, string name, params string[] allowed) =>
        provider.CreatePortAsync(new PortRequest(name, clusterId, site.Network.Id, null, [site.Group.Id],
            [.. allowed.Select(IPNetwork.Parse)]), CancellationToken.None);

    private ServerRequest Server(string clusterId, string name, PortInfo port, BaseSite site) =>
        new(name, clusterId, Site.Image, Site.Flavor, port.Id, site.Key.Name, "#cloud-config\n{}\n",
            ImmutableSortedDictionary<string, string>.Empty.Add("gridspan-node", name));

    private async Task<ServerInfo> WaitActiveAsync(ISiteProvider provider, string serverId)
    {
        using var timeout = new CancellationTokenSource(Site.ActiveTimeout);
        while (true)
        {
            var server = await provider.GetServerAsync(serverId, timeout.Token);
            Assert.NotNull(server);
            if (server.Status == ServerStatus.Error)
            {
                Assert.Fail($"server {server.Name} went to ERROR: {server.Fault}");
            }
            if (server.Status == ServerStatus.Active)
            {
                return server;
            }
            await Task.Delay(500, timeout.Token);
        }
    }

    /// <summary>Deletes what the site holds for the cluster the way `gridspan terminate` does.</summary>
    private async Task<ImmutableArray<CloudResource>> TerminateAsync(ISiteProvider provider, string clusterId)
    {
        var deleted = await new ClusterTerminator().TerminateAsync(
            clusterId, new Dictionary<string, ISiteProvider> { [Site.Name] = provider }, null, Timeout()).ConfigureAwait(false);
        return [.. deleted.Select(d => d.Resource)];
    }

    [Fact]
    public async Task A_network_with_its_subnet_is_created_and_found_by_the_cluster_tag()
    {
        var cluster = NewCluster();

        var network = await Provider.CreateNetworkAsync(new NetworkRequest("net", cluster, SiteCidr, 1400), Timeout());

        Assert.Equal(SiteCidr, network.Cidr);
        Assert.InRange(network.Mtu, 1280, 1400);
        var listed = await Provider.ListAsync(cluster, Timeout());
        Assert.Contains(listed, r => r.Kind == ResourceKind.Network && r.Id == network.Id);
        Assert.Contains(listed, r => r.Kind == ResourceKind.Subnet && r.Id == network.SubnetId);
        Assert.All(listed, r => Assert.Equal(cluster, r.ClusterId));
    }

    [Fact]
    public async Task Creating_the_same_network_again_returns_the_one_that_exists()
    {
        var cluster = NewCluster();

        var first = await Provider.CreateNetworkAsync(new NetworkRequest("net", cluster, SiteCidr, 1400), Timeout());
        var second = await Provider.CreateNetworkAsync(new NetworkRequest("net", cluster, SiteCidr, 1400), Timeout());

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.SubnetId, second.SubnetId);
        Assert.Single(await Provider.ListAsync(cluster, Timeout()), r => r.Kind == ResourceKind.Network);
    }

    [Fact]
    public async Task A_security_group_and_a_key_pair_are_created_and_found_by_the_cluster()
    {
        var cluster = NewCluster();

        var site = await CreateBaseAsync(Provider, cluster, Timeout());

        var listed = await Provider.ListAsync(cluster, Timeout());
        Assert.Contains(listed, r => r.Kind == ResourceKind.SecurityGroup && r.Id == site.Group.Id);
        Assert.Contains(listed, r => r.Kind == ResourceKind.KeyPair && r.Name == site.Key.Name);
    }

    [Fact]
    public async Task A_groups_rules_are_replaced_by_exactly_the_rules_given_and_setting_them_again_changes_nothing()
    {
        var cluster = NewCluster();
        var site = await CreateBaseAsync(Provider, cluster, Timeout());
        ImmutableArray<SecurityRule> narrowed =
        [
            new SecurityRule(IpProtocol.Tcp, 22, 22, IPNetwork.Parse("0.0.0.0/0")),
            new SecurityRule(IpProtocol.Udp, 51820, 51820, IPNetwork.Parse("198.51.100.7/32")),
            new SecurityRule(IpProtocol.Any, 0, 0, SiteCidr),
        ];

        await Provider.SetSecurityGroupRulesAsync(site.Group.Id, narrowed, Timeout());
        await Provider.SetSecurityGroupRulesAsync(site.Group.Id, narrowed, Timeout());

        Assert.Equal(["any from 10.77.0.0/24", "tcp 22-22 from 0.0.0.0/0", "udp 51820-51820 from 198.51.100.7/32"],
            (await IngressRulesAsync(site.Group.Id, Timeout())).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_port_carries_its_allowed_address_pairs_and_they_can_be_replaced()
    {
        var cluster = NewCluster();
        var site = await CreateBaseAsync(Provider, cluster, Timeout());

        var port = await CreatePortAsync(Provider, cluster, site, "gateway", "10.78.0.0/24", "10.79.0.16/28");

        Assert.True(SiteCidr.Contains(port.Address), $"{port.Address} is not in {SiteCidr}");
        Assert.Equal(["10.78.0.0/24", "10.79.0.16/28"], port.AllowedAddressPairs.Select(p => p.ToString()).Order(StringComparer.Ordinal));
        var replaced = await Provider.SetAllowedAddressPairsAsync(port.Id, [IPNetwork.Parse("10.80.0.0/16")], Timeout());
        Assert.Equal(["10.80.0.0/16"], replaced.AllowedAddressPairs.Select(p => p.ToString()));
        Assert.Contains(await Provider.ListAsync(cluster, Timeout()), r => r.Kind == ResourceKind.Port && r.Id == port.Id);
    }

    [Fact]
    public async Task Several_servers_created_in_parallel_become_active_with_their_ports_address()
    {
        var cluster = NewCluster();
        var site = await CreateBaseAsync(Provider, cluster, Timeout());

        var servers = await Task.WhenAll(Enumerable.Range(1, 4).Select(async i =>
        {
            var port = await CreatePortAsync(Provider, cluster, site, $"worker-{i}");
            var created = await Provider.CreateServerAsync(Server(cluster, $"worker-{i}", port, site), Timeout());
            var active = await WaitActiveAsync(Provider, created.Id);
            return (port, active);
        }));

        Assert.All(servers, s => Assert.Contains(s.port.Address, s.active.Addresses));
        var listed = await Provider.ListAsync(cluster, Timeout());
        Assert.Equal(4, listed.Count(r => r.Kind == ResourceKind.Server));
    }

    [Fact]
    public async Task A_floating_ip_is_given_to_a_port()
    {
        var cluster = NewCluster();
        var site = await CreateBaseAsync(Provider, cluster, Timeout());
        var port = await CreatePortAsync(Provider, cluster, site, "master");

        var floating = await Provider.CreateFloatingIpAsync(new FloatingIpRequest("master", cluster, port.Id), Timeout());

        Assert.Equal(port.Id, floating.PortId);
        Assert.False(SiteCidr.Contains(floating.Address));
        Assert.Contains(await Provider.ListAsync(cluster, Timeout()), r => r.Kind == ResourceKind.FloatingIp && r.Id == floating.Id);
    }

    [Fact]
    public async Task Listing_finds_only_the_resources_of_the_cluster_asked_for()
    {
        var mine = NewCluster();
        var theirs = NewCluster();
        await Provider.CreateSecurityGroupAsync(new SecurityGroupRequest("nodes", mine, []), Timeout());
        var other = await Provider.CreateSecurityGroupAsync(new SecurityGroupRequest("nodes", theirs, []), Timeout());

        var listed = await Provider.ListAsync(mine, Timeout());

        Assert.Single(listed);
        Assert.DoesNotContain(listed, r => r.Id == other.Id);
    }

    [Fact]
    public async Task Terminating_a_site_leaves_nothing_and_deleting_again_is_not_an_error()
    {
        var cluster = NewCluster();
        var site = await CreateBaseAsync(Provider, cluster, Timeout());
        var port = await CreatePortAsync(Provider, cluster, site, "master", "10.78.0.0/24");
        var server = await Provider.CreateServerAsync(Server(cluster, "master", port, site), Timeout());
        await Provider.CreateFloatingIpAsync(new FloatingIpRequest("master", cluster, port.Id), Timeout());
        await WaitActiveAsync(Provider, server.Id);

        var deleted = await TerminateAsync(Provider, cluster);

        Assert.Empty(await Provider.ListAsync(cluster, Timeout()));
        Assert.Contains(deleted, r => r.Kind == ResourceKind.Server);
        Assert.Contains(deleted, r => r.Kind == ResourceKind.FloatingIp);
        Assert.Null(await Provider.GetServerAsync(server.Id, Timeout()));
        foreach (var resource in deleted)
        {
            await Provider.DeleteAsync(resource, Timeout());
        }
    }

    [Fact]
    public virtual async Task A_create_the_cloud_refuses_for_quota_surfaces_the_clouds_own_message()
    {
        var limited = await ConnectLimitedAsync(Timeout());
        var cluster = NewCluster(limited);
        var site = await CreateBaseAsync(limited, cluster, Timeout());
        for (var i = 0; i < Site.LimitedServers; i++)
        {
            var port = await CreatePortAsync(limited, cluster, site, $"fits-{i}");
            await limited.CreateServerAsync(Server(cluster, $"fits-{i}", port, site), Timeout());
        }
        var extra = await CreatePortAsync(limited, cluster, site, "too-many");

        var refusal = await Assert.ThrowsAsync<GridSpanException>(() => limited.CreateServerAsync(Server(cluster, "too-many", extra, site), Timeout()));

        Assert.Contains(Site.RefusalMessage, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.ProviderFailure, refusal.ExitCode);
        Assert.Contains(Site.Name, refusal.Message, StringComparison.Ordinal);
    }
}
