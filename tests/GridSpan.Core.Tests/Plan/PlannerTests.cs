using System.Net;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Plan;

public sealed class PlannerTests
{
    private static readonly ClusterPlan TwoSites = TestSpecs.Plan(TestSpecs.TwoSites());
    private static readonly ClusterPlan ThreeSites = TestSpecs.Plan(TestSpecs.ThreeSites());

    [Fact]
    public void Nodes_are_named_by_cluster_site_and_group_with_the_master_and_gateways_apart()
    {
        Assert.Equal("demo-master", TwoSites.Master);
        Assert.Equal(
            ["demo-master", "demo-berlin-cpu-001", "demo-berlin-cpu-002", "demo-berlin-big-001", "demo-berlin-big-002", "demo-berlin-big-003",
             "demo-berlin-big-004", "demo-berlin-big-005", "demo-berlin-big-006", "demo-berlin-big-007", "demo-berlin-big-008",
             "demo-hamburg-gw", "demo-hamburg-cpu-001", "demo-hamburg-cpu-002", "demo-hamburg-cpu-003", "demo-hamburg-cpu-004", "demo-hamburg-cpu-005"],
            TwoSites.Nodes.Select(n => n.Name));
        var hamburg = TwoSites.Site("hamburg").Groups.Single();
        Assert.Equal("demo-hamburg-cpu-001", hamburg.StaticNodes);
        Assert.Equal("demo-hamburg-cpu-[002-005]", hamburg.OnDemandNodes);
    }

    [Fact]
    public void A_given_subnet_is_kept_and_a_missing_one_is_chosen_clear_of_the_others_and_the_overlay()
    {
        Assert.Equal(IPNetwork.Parse("10.11.0.0/24"), TwoSites.Site("berlin").Subnet);
        Assert.False(TwoSites.Site("berlin").SubnetChosen);
        Assert.Equal(IPNetwork.Parse("10.12.0.0/24"), TwoSites.Site("hamburg").Subnet);
        Assert.True(TwoSites.Site("hamburg").SubnetChosen);
        // Sites a and b hold 10.11 and 10.12, so c gets the next free one.
        Assert.Equal(IPNetwork.Parse("10.13.0.0/24"), ThreeSites.Site("c").Subnet);
    }

    [Fact]
    public void A_chosen_subnet_skips_the_overlay_range()
    {
        var spec = TestSpecs.Cluster("ov",
            TestSpecs.Site("a", null, null, master: true),
            TestSpecs.Site("b", null, null, false)) with
        { Overlay = new OverlaySpec(OverlayKind.WireGuard, IPNetwork.Parse("10.11.0.0/24")) };
        var plan = TestSpecs.Plan(spec);
        Assert.Equal([IPNetwork.Parse("10.12.0.0/24"), IPNetwork.Parse("10.13.0.0/24")], plan.Sites.Select(s => s.Subnet));
    }

    [Fact]
    public void A_large_site_gets_a_larger_subnet()
    {
        var spec = TestSpecs.Cluster("big", TestSpecs.Site("a", null, null, master: true, TestSpecs.Group("cpu", 100, 900)));
        var site = TestSpecs.Plan(spec).Sites.Single();
        Assert.Equal(IPNetwork.Parse("10.11.0.0/22"), site.Subnet);
        Assert.Equal(IPAddress.Parse("10.11.3.242"), site.ReservedLast);
    }

    [Fact]
    public void A_given_subnet_too_small_for_the_site_is_a_config_error()
    {
        var spec = TestSpecs.Cluster("x", TestSpecs.Site("a", "10.11.0.0/28", null, master: true, TestSpecs.Group("cpu", 10)));
        var error = Assert.Throws<GridSpanException>(() => TestSpecs.Plan(spec));
        Assert.Equal(ExitCode.InvalidConfig, error.ExitCode);
        Assert.Contains("10.11.0.0/28", error.Message, StringComparison.Ordinal);
        Assert.Contains("larger subnet", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vpn_node_static_workers_and_on_demand_workers_get_fixed_addresses_in_that_order()
    {
        var berlin = TwoSites.Site("berlin");
        Assert.Equal(IPAddress.Parse("10.11.0.10"), berlin.VpnAddress);
        Assert.Equal(IPAddress.Parse("10.11.0.10"), TwoSites.MasterNode.Address);
        Assert.Equal(IPAddress.Parse("10.11.0.11"), Node("demo-berlin-cpu-001").Address);
        Assert.Equal(IPAddress.Parse("10.11.0.12"), Node("demo-berlin-cpu-002").Address);
        Assert.Equal(IPAddress.Parse("10.11.0.13"), Node("demo-berlin-big-001").Address);
        Assert.Equal(IPAddress.Parse("10.11.0.13"), berlin.OnDemandFirst);
        Assert.Equal(IPAddress.Parse("10.11.0.20"), berlin.OnDemandLast);
        Assert.Equal(IPAddress.Parse("10.11.0.20"), berlin.ReservedLast);
        Assert.True(Node("demo-berlin-big-008").OnDemand);
        Assert.False(Node("demo-berlin-cpu-002").OnDemand);
    }

    [Fact]
    public void The_master_and_every_gateway_get_overlay_addresses_and_workers_none()
    {
        Assert.Equal(IPAddress.Parse("10.99.0.1"), TwoSites.MasterNode.OverlayAddress);
        Assert.Equal(IPAddress.Parse("10.99.0.2"), Node("demo-hamburg-gw").OverlayAddress);
        Assert.All(TwoSites.Nodes.Where(n => n.Role == NodeRole.Worker), n => Assert.Null(n.OverlayAddress));
    }

    [Fact]
    public void The_overlay_is_a_full_mesh_whose_link_mtu_is_the_smaller_site_mtu_minus_the_overhead()
    {
        Assert.Equal(80, ThreeSites.Overlay.OverheadBytes);
        Assert.Equal(
            [new OverlayLink("tri-master", "tri-b-gw", 1370), new OverlayLink("tri-master", "tri-c-gw", 1320), new OverlayLink("tri-b-gw", "tri-c-gw", 1320)],
            ThreeSites.Overlay.Links.ToArray());
        var gatewayB = ThreeSites.Overlay.Members.Single(m => m.Node == "tri-b-gw");
        Assert.Equal(1370, gatewayB.InterfaceMtu);
        // b reaches c's subnet straight through the tunnel, not through the master.
        var toC = gatewayB.Routes.Single(r => r.Destination.Equals(ThreeSites.Site("c").Subnet));
        Assert.Equal("wg0", toC.Device);
        Assert.Equal(1320, toC.Mtu);
        Assert.Equal(IPAddress.Parse("10.12.0.10"), toC.Source);
    }

    [Fact]
    public void Workers_reach_other_sites_and_the_overlay_through_their_own_sites_vpn_node()
    {
        var b = ThreeSites.Site("b");
        Assert.Equal(
            [
                new RoutePlan(IPNetwork.Parse("10.11.0.0/24"), IPAddress.Parse("10.12.0.10"), null, 1370, null),
                new RoutePlan(IPNetwork.Parse("10.13.0.0/24"), IPAddress.Parse("10.12.0.10"), null, 1320, null),
                new RoutePlan(IPNetwork.Parse("10.99.0.0/24"), IPAddress.Parse("10.12.0.10"), null, 1320, null),
            ],
            b.WorkerRoutes.ToArray());
        Assert.All(ThreeSites.Site("a").WorkerRoutes, r => Assert.Equal(IPAddress.Parse("10.11.0.10"), r.Via));
    }

    [Fact]
    public void Vpn_nodes_may_send_from_every_other_site_and_the_overlay()
    {
        var master = ThreeSites.Overlay.Members.Single(m => m.Node == "tri-master");
        Assert.Equal(
            [IPNetwork.Parse("10.12.0.0/24"), IPNetwork.Parse("10.13.0.0/24"), IPNetwork.Parse("10.99.0.0/24")],
            master.AllowedAddressPairs.ToArray());
    }

    [Fact]
    public void An_ipsec_overlay_takes_its_own_overhead()
    {
        // vxlan's (on top of the WireGuard mesh between sites) is in SwitchPlanTests.
        var spec = TestSpecs.TwoSites();
        var ipsec = TestSpecs.Plan(spec with { Overlay = spec.Overlay with { Kind = OverlayKind.Ipsec } });
        // ESP in UDP with AES-256-CBC and HMAC-SHA2-256-128 at worst: 20 + 8 + 8 + 16 + 15 + 2 + 16.
        Assert.Equal(1500 - 85, ipsec.Overlay.Links.Single().Mtu);
        Assert.Empty(ipsec.Warnings);
        Assert.All(ipsec.Overlay.Members.SelectMany(m => m.Routes), r => Assert.Equal("ipsec0", r.Device));
    }

    [Fact]
    public void A_single_site_cluster_has_no_overlay_and_no_routes()
    {
        var plan = TestSpecs.Plan(TestSpecs.Cluster("one", TestSpecs.Site("a", null, null, master: true, TestSpecs.Group("cpu", 2))));
        Assert.Empty(plan.Overlay.Members);
        Assert.Empty(plan.Overlay.Links);
        Assert.Null(plan.MasterNode.OverlayAddress);
        Assert.Empty(plan.Sites.Single().WorkerRoutes);
        Assert.DoesNotContain(plan.Secrets, s => s.Kind == SecretKind.WireGuardKeyPair);
    }

    [Fact]
    public void Partitions_are_all_then_one_per_site_then_one_per_group()
    {
        Assert.Equal(
            [
                new PartitionPlan("all", "demo-berlin-big-[001-008],demo-berlin-cpu-[001-002],demo-hamburg-cpu-[001-005]", true, null, null),
                new PartitionPlan("berlin", "demo-berlin-big-[001-008],demo-berlin-cpu-[001-002]", false, "berlin", null),
                new PartitionPlan("berlin-cpu", "demo-berlin-cpu-[001-002]", false, "berlin", "cpu"),
                new PartitionPlan("berlin-big", "demo-berlin-big-[001-008]", false, "berlin", "big"),
                new PartitionPlan("hamburg", "demo-hamburg-cpu-[001-005]", false, "hamburg", null),
                new PartitionPlan("hamburg-cpu", "demo-hamburg-cpu-[001-005]", false, "hamburg", "cpu"),
            ],
            TwoSites.Slurm.Partitions.ToArray());
    }

    [Fact]
    public void Static_and_cloud_nodes_are_separate_node_sets_with_the_flavor_size_and_site_features()
    {
        Assert.Equal("demo-berlin-cpu-[001-002],demo-hamburg-cpu-001", TwoSites.Slurm.StaticNodes);
        Assert.Equal("demo-berlin-big-[001-008],demo-hamburg-cpu-[002-005]", TwoSites.Slurm.CloudNodes);
        var big = TwoSites.Slurm.NodeSets.Single(s => s.Group == "big");
        Assert.True(big.Cloud);
        Assert.Equal(2, big.Cpus);
        Assert.Equal(4096 - 256, big.RealMemoryMiB);
        Assert.Equal(["berlin", "big", "highmem"], big.Features.ToArray());
    }

    [Fact]
    public void A_computing_master_is_a_static_slurm_node_of_its_site()
    {
        var spec = TestSpecs.TwoSites();
        var sites = spec.Sites.SetItem(0, spec.Sites[0] with { Master = new MasterSpec("small", "debian-12", true) });
        var plan = TestSpecs.Plan(spec with { Sites = sites });
        Assert.True(plan.MasterNode.RunsJobs);
        Assert.Contains("demo-master", Hostlist.Parse(plan.Slurm.StaticNodes));
        Assert.Contains("demo-master", Hostlist.Parse(plan.Slurm.Partitions.Single(p => p.Name == "berlin").Nodes));
    }

    [Fact]
    public void Partition_names_that_collide_are_a_config_error()
    {
        var spec = TestSpecs.Cluster("x",
            TestSpecs.Site("a", null, null, master: true, TestSpecs.Group("b", 1)),
            TestSpecs.Site("a-b", null, null, false, TestSpecs.Group("cpu", 1)));
        var error = Assert.Throws<GridSpanException>(() => TestSpecs.Plan(spec));
        Assert.Contains("'a-b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_flavor_gets_the_fallback_size_and_a_warning()
    {
        var spec = TestSpecs.Cluster("x", TestSpecs.Site("a", null, null, master: true, TestSpecs.Group("cpu", 1, 0, "mystery")));
        var plan = Planner.Plan(spec, TestSpecs.Flavors(spec));
        var worker = plan.Nodes.Single(n => n.Role == NodeRole.Worker);
        Assert.Equal(FlavorCatalog.Fallback.Cpus, worker.Cpus);
        Assert.Equal(FlavorCatalog.Fallback.MemoryMiB, worker.MemoryMiB);
        Assert.Single(plan.Warnings, w => w.Contains("'mystery'", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_node_including_on_demand_ones_has_a_dns_record_in_the_cluster_domain()
    {
        Assert.Equal("demo.gridspan", TwoSites.Domain);
        Assert.Equal(TwoSites.Nodes.Length, TwoSites.Dns.Length);
        Assert.Contains(new DnsRecord("demo-hamburg-cpu-005.demo.gridspan", "demo-hamburg-cpu-005", IPAddress.Parse("10.12.0.15")), TwoSites.Dns);
    }

    [Fact]
    public void Every_share_is_exported_to_every_site_and_the_overlay()
    {
        Assert.Equal(["/home", "/vol/spool"], TwoSites.Storage.Exports.Select(e => e.Path));
        Assert.All(TwoSites.Storage.Exports, e => Assert.Equal(
            [IPNetwork.Parse("10.11.0.0/24"), IPNetwork.Parse("10.12.0.0/24"), IPNetwork.Parse("10.99.0.0/24")], e.Clients.ToArray()));
    }

    [Fact]
    public void Only_master_and_gateways_accept_ssh_from_anywhere_and_wireguard_only_from_peers()
    {
        var anywhere = new IPNetwork(IPAddress.Any, 0);
        Assert.Contains(new SecurityRule(IpProtocol.Tcp, 22, 22, anywhere), TwoSites.Firewall.For(NodeRole.Master));
        Assert.Contains(new SecurityRule(IpProtocol.Tcp, 22, 22, anywhere), TwoSites.Firewall.For(NodeRole.Gateway));
        Assert.All(TwoSites.Firewall.For(NodeRole.Worker), r => Assert.Contains(r.Source, TwoSites.Firewall.ClusterRanges));
        Assert.DoesNotContain(TwoSites.Firewall.Roles.SelectMany(r => r.Rules), r => r.Protocol == IpProtocol.Udp && r.Source.PrefixLength == 0);
        Assert.Equal(
            [new SecurityRule(IpProtocol.Udp, 51820, 51820, IPNetwork.Parse("198.51.100.7/32")), new SecurityRule(IpProtocol.Udp, 51820, 51820, IPNetwork.Parse("203.0.113.9/32"))],
            TwoSites.Firewall.VpnPeerRules([IPAddress.Parse("203.0.113.9"), IPAddress.Parse("198.51.100.7"), IPAddress.Parse("203.0.113.9")]).ToArray());
    }

    [Fact]
    public void The_plan_lists_the_secrets_it_needs_and_who_gets_them()
    {
        Assert.Equal(
            ["munge-key", "wireguard/demo-master", "wireguard/demo-hamburg-gw", "ssh/cluster", "ssh/user", "ssh/storage", "ssh/host-keys"],
            TwoSites.Secrets.Select(s => s.Name));
        // GridSpan's own key stays off the nodes' homes (the master keeps it for its on-demand hooks); the user's key is everywhere.
        Assert.Equal("demo-master", TwoSites.Secrets.Single(s => s.Name == "ssh/cluster").Nodes);
        Assert.Equal("demo-hamburg-gw", TwoSites.Secrets.Single(s => s.Name == "wireguard/demo-hamburg-gw").Nodes);
        Assert.DoesNotContain("demo-hamburg-gw", Hostlist.Parse(TwoSites.Secrets.Single(s => s.Name == "munge-key").Nodes));
    }

    [Fact]
    public void Planning_twice_gives_byte_identical_json()
    {
        var first = PlanJson.Serialize(TestSpecs.Plan(TestSpecs.ThreeSites()));
        var second = PlanJson.Serialize(TestSpecs.Plan(TestSpecs.ThreeSites()));
        Assert.Equal(first, second);
    }

    [Fact]
    public void The_plan_json_reads_back_into_an_equal_plan()
    {
        var json = PlanJson.Serialize(ThreeSites);
        var back = PlanJson.Deserialize(json);
        Assert.Equal(json, PlanJson.Serialize(back));
        Assert.Equal(ThreeSites.Nodes.Select(n => n.Name), back.Nodes.Select(n => n.Name));
        Assert.Equal(ThreeSites.Nodes.Select(n => n.Address), back.Nodes.Select(n => n.Address));
    }

    [Fact]
    public void Twenty_sites_of_five_hundred_nodes_plan_without_overlap()
    {
        var sites = Enumerable.Range(0, 20).Select(i =>
            TestSpecs.Site($"s{i:00}", null, 1500 - (i * 10), i == 0, TestSpecs.Group("cpu", 100, 400))).ToArray();
        var plan = TestSpecs.Plan(TestSpecs.Cluster("huge", sites));
        Assert.Equal(20 + 10_000, plan.Nodes.Length);
        Assert.Equal(190, plan.Overlay.Links.Length);
        var subnets = plan.Sites.Select(s => s.Subnet).Append(plan.Overlay.Cidr).ToList();
        for (var i = 0; i < subnets.Count; i++)
        {
            for (var j = i + 1; j < subnets.Count; j++)
            {
                Assert.False(Ipv4.Overlaps(subnets[i], subnets[j]), $"{subnets[i]} overlaps {subnets[j]}");
            }
        }
        Assert.Equal(plan.Nodes.Length, plan.Nodes.Select(n => n.Address).Distinct().Count());
    }

    [Fact]
    public void A_hostlist_from_slurm_maps_back_to_planned_nodes()
    {
        var nodes = Hostlist.Parse("demo-hamburg-cpu-[002-003],demo-berlin-big-008,demo-nowhere-001").Select(TwoSites.FindNode).ToList();
        Assert.Equal([IPAddress.Parse("10.12.0.12"), IPAddress.Parse("10.12.0.13"), IPAddress.Parse("10.11.0.20")], nodes.Take(3).Select(n => n!.Address));
        Assert.Null(nodes[3]);
    }

    private static NodePlan Node(string name) => TwoSites.Nodes.Single(n => n.Name == name);
}
