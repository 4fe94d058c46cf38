using System.Collections.Immutable;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Render;

/// <summary>The vxlan overlay's node files against committed snapshots, and what each role's bundle holds (issue 14).</summary>
public sealed class VxlanRenderTests
{
    internal static readonly ClusterPlan Switched = TestSpecs.Plan(TestSpecs.Switched());
    internal static readonly ClusterSecrets SwitchedSecrets = new SecretGenerator(new DeterministicRandomSource("switched")).Generate(Switched);

    private static readonly ClusterRenderer Renderer = new(Switched, SwitchedSecrets,
        new ClusterFacts(new Dictionary<string, string> { ["sw-master"] = "198.51.100.10", ["sw-hub-sw"] = "198.51.100.20" }
            .ToImmutableSortedDictionary(StringComparer.Ordinal)),
        _ => RenderOptions.DebianContainer);

    internal static string File(string node, string path) => Renderer.Render(node).Bundle.Files.Single(f => f.Path == path).Content;

    [Theory]
    [InlineData("sw-master")]
    [InlineData("sw-berlin-cpu-003")]
    public void A_nodes_tunnel_script(string node) => Snapshot.Match($"vxlan/{node}.vxlan.sh", File(node, NodePaths.VxlanScript));

    [Fact]
    public void The_switch_script_makes_the_static_nodes_ports_and_brings_back_the_on_demand_ports_it_had()
    {
        var script = File("sw-hub-sw", NodePaths.VxlanScript);
        Snapshot.Match("vxlan/sw-hub-sw.vxlan.sh", script);
        Assert.DoesNotContain("port vx5 ", script, StringComparison.Ordinal); // sw-berlin-cpu-003 is on demand
        Assert.Contains(" vx5 ", script, StringComparison.Ordinal); // but its port is planned, so not deleted as unknown
    }

    [Fact]
    public void The_switch_port_script_knows_only_the_on_demand_nodes() =>
        Snapshot.Match("vxlan/sw-hub-sw.vxlan-port.sh", File("sw-hub-sw", NodePaths.VxlanPortScript));

    [Fact]
    public void The_units_and_the_switch_sysctl()
    {
        Snapshot.Match("vxlan/node.gridspan-vxlan.service", File("sw-berlin-cpu-001", NodePaths.VxlanUnit));
        Snapshot.Match("vxlan/switch.gridspan-vxlan.service", File("sw-hub-sw", NodePaths.VxlanUnit));
        Snapshot.Match("vxlan/switch.sysctl.conf", File("sw-hub-sw", NodePaths.Sysctl));
    }

    [Fact]
    public void Names_resolve_to_segment_addresses_and_dnsmasq_listens_on_the_masters()
    {
        Snapshot.Match("vxlan/cluster.hosts", File("sw-master", NodePaths.DnsHosts));
        Snapshot.Match("vxlan/sw-berlin-cpu-001.hosts", File("sw-berlin-cpu-001", NodePaths.Hosts));
        Assert.Contains("listen-address=10.99.0.2\n", File("sw-master", NodePaths.DnsmasqConf), StringComparison.Ordinal);
    }

    [Fact]
    public void Shares_are_mounted_after_the_tunnel_that_reaches_the_master()
    {
        var unit = File("sw-berlin-cpu-001", "/etc/systemd/system/" + StorageRenderer.MountUnitName("/home"));
        Assert.Contains("After=network-online.target gridspan-routes.service gridspan-vxlan.service\n", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void The_switch_runs_its_bridge_and_the_tunnel_between_sites_but_no_slurm_munge_or_shares()
    {
        var bundle = Renderer.Render("sw-hub-sw").Bundle;
        var services = bundle.Services.Select(s => s.Unit).ToList();
        Assert.Contains(VxlanRenderer.UnitName, services);
        Assert.Contains("wg-quick@wg0.service", services);
        Assert.DoesNotContain(services, s => s.Contains("slurm", StringComparison.Ordinal) || s.Contains("munge", StringComparison.Ordinal) || s.EndsWith(".mount", StringComparison.Ordinal));
        Assert.DoesNotContain(bundle.Files, f => f.Path == NodePaths.MungeKey || f.Path == NodePaths.SlurmConf || f.Path == NodePaths.StorageKey);
    }

    [Fact]
    public void Every_node_runs_its_tunnel_and_restarts_it_when_its_script_changes()
    {
        foreach (var node in Switched.Nodes)
        {
            var service = Renderer.Render(node.Name).Bundle.Services.Single(s => s.Unit == VxlanRenderer.UnitName);
            Assert.Equal<string>([NodePaths.VxlanUnit, NodePaths.VxlanScript], service.Inputs.AsEnumerable());
        }
    }

    [Fact]
    public void A_wireguard_cluster_has_no_vxlan_files()
    {
        var bundle = new ClusterRenderer(RenderSnapshotTests.Demo, RenderSnapshotTests.DemoSecrets, ClusterFacts.None, _ => RenderOptions.DebianContainer)
            .Render("demo-master").Bundle;
        Assert.DoesNotContain(bundle.Files, f => f.Path == NodePaths.VxlanScript);
    }
}
