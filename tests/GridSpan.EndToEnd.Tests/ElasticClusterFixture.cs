namespace GridSpan.EndToEnd.Tests;

/// <summary>
/// One cluster for the on-demand tests: the master in alpha with two on-demand workers, a gateway in
/// beta with three on-demand workers and no static worker (so the first resume there makes the
/// site's worker security group). Short suspend time, so idle nodes go within a minute. The cluster
/// user is bob, an ordinary user given sudo (ssh.sudo), which on-demand nodes must give him too.
/// </summary>
public sealed class ElasticClusterFixture : IAsyncLifetime
{
    public const string Yaml = """
        name: el
        ssh: { user: bob, sudo: true }
        sites:
          - name: alpha
            provider: local
            local: { subnet: 10.73.0.0/24, mtu: 1500 }
            master: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: 0, onDemand: 2 }
          - name: beta
            provider: local
            local: { subnet: 10.74.0.0/24, mtu: 1400 }
            gateway: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: 0, onDemand: 3 }
        overlay: { kind: wireguard, cidr: 10.98.0.0/24 }
        storage: { shares: [/home] }
        slurm: { suspendTime: 30, resumeTimeout: 90 }
        """;

    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster was not created");

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(Yaml);
        try
        {
            await _cluster.CreateAsync();
        }
        catch
        {
            await _cluster.DisposeAsync();
            _cluster = null;
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
