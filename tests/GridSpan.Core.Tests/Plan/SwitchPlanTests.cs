using System.Net;
using GridSpan.Common;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Plan;

/// <summary>The vxlan overlay's plan: the switch, its ports, the segment's addresses and MTU, its firewall (issue 14).</summary>
public sealed class SwitchPlanTests
{
    private static readonly ClusterPlan Switched = TestSpecs.Plan(TestSpecs.Switched());

    [Fact]
    public void The_switch_is_the_vpn_node_of_its_own_site_and_runs_no_jobs()
    {
        var node = Switched.FindNode("sw-hub-sw")!;
        Assert.Equal(NodeRole.Switch, node.Role);
        Assert.False(node.RunsJobs);
        Assert.Equal("sw-hub-sw", Switched.Site("hub").VpnNode);
        Assert.Equal(IPAddress.Parse("10.98.0.2"), node.OverlayAddress);
        Assert.DoesNotContain("sw-hub-sw", Switched.Slurm.Partitions.Single(p => p.Name == "all").Nodes, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wireguard_mesh_between_sites_takes_the_tunnel_range_and_the_segment_the_overlay_range()
    {
        Assert.Equal(IPNetwork.Parse("10.98.0.0/24"), Switched.Overlay.Cidr);
        Assert.Equal(["sw-master", "sw-hub-sw"], Switched.Overlay.Members.Select(m => m.Node));
        var segment = Switched.Overlay.Switch!;
        Assert.Equal(IPNetwork.Parse("10.99.0.0/24"), segment.Cidr);
        Assert.Equal(IPAddress.Parse("10.99.0.1"), segment.Address);
        Assert.Equal(IPAddress.Parse("10.13.0.10"), segment.UnderlayAddress);
    }

    [Fact]
    public void Every_node_has_a_port_on_the_switch_whose_vni_is_its_offset_in_the_segment()
    {
        var ports = Switched.Overlay.Switch!.Ports;
        Assert.Equal(
            ["sw-master", "sw-berlin-cpu-001", "sw-berlin-cpu-002", "sw-berlin-cpu-003", "sw-berlin-cpu-004"],
            ports.Select(p => p.Node));
        Assert.Equal([2, 3, 4, 5, 6], ports.Select(p => p.Vni));
        Assert.Equal(["vx2", "vx3", "vx4", "vx5", "vx6"], ports.Select(p => p.Device));
        foreach (var port in ports)
        {
            var node = Switched.FindNode(port.Node)!;
            Assert.Equal(node.Address, port.Remote);
            Assert.Equal(node.SwitchedAddress, port.SwitchedAddress);
            Assert.Equal(Ipv4.At(IPNetwork.Parse("10.99.0.0/24"), port.Vni), port.SwitchedAddress);
        }
    }

    [Fact]
    public void The_cluster_reaches_every_node_at_its_segment_address_so_traffic_crosses_the_switch()
    {
        Assert.All(Switched.Dns, record => Assert.Equal(Switched.FindNode(record.Name)!.SwitchedAddress, record.Address));
        Assert.Equal(IPAddress.Parse("10.99.0.2"), Switched.Storage.ServerAddress);
        Assert.Contains(IPNetwork.Parse("10.99.0.0/24"), Switched.Firewall.ClusterRanges);
        Assert.All(Switched.Storage.Exports, e => Assert.Contains(IPNetwork.Parse("10.99.0.0/24"), e.Clients));
    }

    [Fact]
    public void The_segment_mtu_is_the_site_mtu_less_wireguard_between_sites_less_vxlan()
    {
        var segment = Switched.Overlay.Switch!;
        Assert.All(segment.Ports, p => Assert.Equal(1500 - 80, p.UnderlayPathMtu));
        Assert.Equal(1500 - 80 - 50, segment.Mtu);
    }

    [Fact]
    public void A_smaller_mtu_on_the_switch_site_lowers_every_port()
    {
        var segment = TestSpecs.Plan(TestSpecs.Switched(hubMtu: 1400)).Overlay.Switch!;
        Assert.Equal(1400 - 80 - 50, segment.Mtu);
    }

    [Fact]
    public void A_segment_below_ipv4s_minimum_is_a_config_error_naming_the_narrowest_path()
    {
        var error = Assert.Throws<GridSpanException>(() => TestSpecs.Plan(TestSpecs.Switched(hubMtu: 690)));
        Assert.Contains("the VXLAN segment would have an MTU of 560 (the path from sw-master to the switch allows 610, VXLAN takes 50)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Workers_route_the_tunnel_range_not_the_segment_through_their_vpn_node()
    {
        var routes = Switched.Site("berlin").WorkerRoutes;
        Assert.Contains(routes, r => r.Destination.Equals(IPNetwork.Parse("10.98.0.0/24")));
        Assert.Contains(routes, r => r.Destination.Equals(IPNetwork.Parse("10.13.0.0/24")) && r.Mtu == 1420);
        Assert.DoesNotContain(routes, r => r.Destination.Equals(IPNetwork.Parse("10.99.0.0/24")));
    }

    [Fact]
    public void The_switch_takes_vxlan_only_from_the_sites_of_its_nodes_and_nothing_else_from_the_cluster()
    {
        var rules = Switched.Firewall.For(NodeRole.Switch);
        var udp = Assert.Single(rules, r => r.Protocol == IpProtocol.Udp);
        Assert.Equal((4789, 4789, IPNetwork.Parse("10.11.0.0/24")), (udp.PortMin, udp.PortMax, udp.Source));
        Assert.DoesNotContain(rules, r => r.Protocol == IpProtocol.Any);
        Assert.Equal([22], rules.Where(r => r.Protocol == IpProtocol.Tcp).Select(r => r.PortMin));
    }

    [Fact]
    public void The_switch_gets_a_wireguard_key_and_no_munge_or_storage_key()
    {
        var secrets = Switched.Secrets.ToDictionary(s => s.Name, s => s.Nodes, StringComparer.Ordinal);
        Assert.Equal("sw-hub-sw", secrets["wireguard/sw-hub-sw"]);
        Assert.DoesNotContain("sw-hub-sw", secrets["munge-key"], StringComparison.Ordinal);
        Assert.DoesNotContain("sw-hub-sw", secrets["ssh/storage"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_wireguard_plan_has_no_switch_and_no_segment_addresses()
    {
        var plan = TestSpecs.Plan(TestSpecs.TwoSites());
        Assert.Null(plan.Overlay.Switch);
        Assert.All(plan.Nodes, n => Assert.Null(n.SwitchedAddress));
        Assert.All(plan.Nodes, n => Assert.Equal(n.Address, n.ClusterAddress));
    }

    [Fact]
    public void The_plan_of_a_switched_cluster_survives_json()
    {
        var again = PlanJson.Deserialize(PlanJson.Serialize(Switched));
        Assert.Equal(PlanJson.Serialize(Switched), PlanJson.Serialize(again));
        Assert.Equal(IPAddress.Parse("10.99.0.3"), again.FindNode("sw-berlin-cpu-001")!.SwitchedAddress);
    }
}
