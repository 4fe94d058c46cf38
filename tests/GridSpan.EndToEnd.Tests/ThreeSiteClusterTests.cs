using System.Globalization;

namespace GridSpan.EndToEnd.Tests;

/// <summary>
/// Three sites: gateways reach each other directly (full mesh), a node removed from the
/// configuration loses its server, and `terminate` leaves nothing behind.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ThreeSiteClusterTests
{
    private const string Yaml = """
        name: tri
        sites:
          - name: one
            provider: local
            local: { subnet: 10.81.0.0/24 }
            master: { flavor: tiny }
            workers:
              - { name: cpu, flavor: tiny, count: 1 }
          - name: two
            provider: local
            local: { subnet: 10.82.0.0/24 }
            gateway: { flavor: tiny }
            workers:
              - { name: cpu, flavor: tiny, count: 2 }
          - name: three
            provider: local
            local: { subnet: 10.83.0.0/24, mtu: 1450 }
            gateway: { flavor: tiny }
            workers:
              - { name: cpu, flavor: tiny, count: 1, onDemand: 1 }
        storage: { shares: [/home] }
        """;

    [Fact]
    public async Task A_worker_in_site_two_reaches_a_worker_in_site_three_through_the_gateways_alone_a_removed_worker_loses_its_server_and_terminate_leaves_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(Yaml);
        await cluster.CreateAsync();
        var target = cluster.Plan.FindNode("tri-three-cpu-001")!.Address;
        var masterPeerBytes = await MasterBytesAsync(cluster);

        await cluster.RunAsync("tri-two-cpu-001", $"ping -c 3 -W 2 {target}");
        // A 200 KB burst from site two to site three: none of it may pass the master's tunnel.
        await cluster.RunAsync("tri-two-cpu-001", $"ping -c 20 -i 0.01 -s 1000 -W 2 {target}");

        Assert.Equal("wg0", await cluster.RunAsync("tri-two-gw", $"ip -o route get {target} | grep -o 'dev [^ ]*' | cut -d' ' -f2"));
        Assert.InRange(await MasterBytesAsync(cluster) - masterPeerBytes, 0, 20_000); // keepalives and handshakes only
        Assert.Equal("tri-three-cpu-001", await cluster.RunAsync("tri-master", "srun -p three hostname"));

        // One worker fewer in site two: create again deletes its server and port, Slurm no longer lists it.
        var outcome = await cluster.CreateAsync(Yaml.Replace("count: 2", "count: 1", StringComparison.Ordinal));
        Assert.Equal(["tri-two-cpu-002"], outcome.Removed.ToArray());
        var clusterId = cluster.Store.Require("tri").ClusterId;
        Assert.DoesNotContain(await cluster.Cloud.ListAsync(clusterId, CancellationToken.None), r => r.Name == "tri-two-cpu-002");
        Assert.False(cluster.Store.Require("tri").Nodes.ContainsKey("tri-two-cpu-002"));
        Assert.Equal("tri-two-cpu-001", await cluster.RunAsync("tri-master", "sinfo -h -N -p two -o %N | sort -u"));
        Assert.Equal("tri-two-cpu-001", await cluster.RunAsync("tri-master", "srun -p two hostname"));
        // Nothing rendered still remembers the removed node (the master's on-demand kit lists every node's facts).
        Assert.False((await cluster.CreateAsync()).Changed, "a create after the removal changes nothing");

        var left = await cluster.TerminateAsync();
        Assert.Empty(left);
        var everything = GridSpan.Providers.Local.Cloud.LocalCloud.Resources(await cluster.Cloud.Store.ReadAsync(CancellationToken.None));
        Assert.DoesNotContain(everything, r => r.ClusterId.StartsWith("tri-", StringComparison.Ordinal));
    }

    /// <summary>Bytes the master's WireGuard exchanged with every peer so far.</summary>
    private static async Task<long> MasterBytesAsync(TestCluster cluster)
    {
        var transfer = await cluster.RunAsync("tri-master", "wg show wg0 transfer");
        return transfer.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Sum(parts => long.Parse(parts[1], CultureInfo.InvariantCulture) + long.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
