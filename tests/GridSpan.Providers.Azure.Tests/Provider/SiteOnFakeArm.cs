using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Testing;
using GridSpan.Testing.FakeArm;

namespace GridSpan.Providers.Azure.Tests.Provider;

/// <summary>A fake ARM and a provider of one site on it, with the network, group and key a node needs.</summary>
internal sealed class SiteOnFakeArm : IAsyncDisposable
{
    public const string SiteName = "azure-test";

    private SiteOnFakeArm(FakeArm arm, AzureSiteProvider provider, string cluster)
    {
        Arm = arm;
        Provider = provider;
        Cluster = cluster;
    }

    public FakeArm Arm { get; }

    public AzureSiteProvider Provider { get; }

    public string Cluster { get; }

    public NetworkInfo Network { get; private set; } = null!;

    public SecurityGroupInfo Group { get; private set; } = null!;

    public KeyPairInfo Key { get; private set; } = null!;

    public static SiteOnFakeArm Start(GridSpan.Providers.Azure.Api.ArmAccess? access = null)
    {
        var arm = new FakeArm();
        return new SiteOnFakeArm(arm, AzureSiteProvider.Connect(SiteName, arm.Settings(), access ?? FakeArmAccess.Access()), "test-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public async Task<SiteOnFakeArm> WithBaseAsync(CancellationToken cancellationToken)
    {
        Network = await Provider.CreateNetworkAsync(new NetworkRequest("net", Cluster, System.Net.IPNetwork.Parse("10.40.0.0/24"), 1500), cancellationToken);
        Group = await Provider.CreateSecurityGroupAsync(new SecurityGroupRequest("nodes", Cluster,
            [new SecurityRule(IpProtocol.Tcp, 22, 22, System.Net.IPNetwork.Parse("0.0.0.0/0"))]), cancellationToken);
        Key = await Provider.CreateKeyPairAsync(new KeyPairRequest("admin", Cluster, TestSshKey.NewRsaPublicKey()), cancellationToken);
        return this;
    }

    public Task<PortInfo> PortAsync(string name, params string[] forwards) =>
        Provider.CreatePortAsync(new PortRequest(name, Cluster, Network.Id, null, [Group.Id], [.. forwards.Select(System.Net.IPNetwork.Parse)]), CancellationToken.None);

    public ServerRequest Server(string name, PortInfo port, string role = "worker", string flavor = "Standard_B2s") =>
        new(name, Cluster, "Debian:debian-12:12-gen2:latest", flavor, port.Id, Key.Name, "#cloud-config\nhostname: " + name + "\n",
            System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("gridspan-node", name).Add("gridspan-role", role));

    public async Task<ServerInfo> WaitAsync(string serverId, ServerStatus until = ServerStatus.Active)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var server = await Provider.GetServerAsync(serverId, timeout.Token);
            Assert.NotNull(server);
            if (server.Status == until || server.Status == ServerStatus.Error)
            {
                return server;
            }
            await Task.Delay(20, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Arm.DisposeAsync();
    }
}
