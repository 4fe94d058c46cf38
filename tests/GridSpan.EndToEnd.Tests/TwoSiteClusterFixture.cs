namespace GridSpan.EndToEnd.Tests;

/// <summary>One two-site cluster shared by the assertions of <see cref="TwoSiteClusterTests"/>: created once, terminated at the end.</summary>
public sealed class TwoSiteClusterFixture : IAsyncLifetime
{
    public const string Yaml = """
        name: e2e
        ssh: { user: alice }
        sites:
          - name: alpha
            provider: local
            local: { subnet: 10.71.0.0/24, mtu: 1500 }
            master: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: 1 }
          - name: beta
            provider: local
            local: { subnet: 10.72.0.0/24, mtu: 1400 }
            gateway: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: 1, onDemand: 2 }
        overlay: { kind: wireguard, cidr: 10.99.0.0/24 }
        storage: { shares: [/home, /vol/data] }
        """;

    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster was not created");

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(Yaml);
        await _cluster.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
