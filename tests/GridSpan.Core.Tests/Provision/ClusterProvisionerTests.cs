using System.Net;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;

namespace GridSpan.Core.Tests.Provision;

public sealed class ClusterProvisionerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ClusterPlan _plan = Planner.Plan(TestSpecs.TwoSites(), FlavorCatalog.Empty);
    private readonly ClusterProvisioner _provisioner = new() { PollInterval = TimeSpan.FromMilliseconds(1) };

    private Task<ProvisionResult> ProvisionAsync(IReadOnlyDictionary<string, ISiteProvider> providers, List<ProvisionEvent>? events = null) =>
        _provisioner.ProvisionAsync(_plan, "demo-abc123", providers, node => $"#cloud-config\nhostname: {node.Name}\n", "ssh-ed25519 AAAA cluster",
            events is null ? null : new SynchronousProgress(events), None);

    [Fact]
    public async Task Every_static_node_gets_a_port_at_its_planned_address_and_a_server_and_on_demand_nodes_get_nothing()
    {
        var berlin = new FakeSiteProvider();
        var hamburg = new FakeSiteProvider();

        var result = await ProvisionAsync(new Dictionary<string, ISiteProvider> { ["berlin"] = berlin, ["hamburg"] = hamburg });

        Assert.Equal(["demo-master", "demo-berlin-cpu-001", "demo-berlin-cpu-002", "demo-hamburg-gw", "demo-hamburg-cpu-001"],
            result.Nodes.Select(n => n.NodeName).ToArray());
        foreach (var node in _plan.Nodes.Where(n => !n.OnDemand))
        {
            var provider = node.Site == "berlin" ? berlin : hamburg;
            Assert.Equal(node.Address, provider.RequestOf<PortRequest>(ResourceKind.Port, node.Name).FixedAddress);
            Assert.Equal(node.Flavor, provider.RequestOf<ServerRequest>(ResourceKind.Server, node.Name).Flavor);
            Assert.Contains($"hostname: {node.Name}", provider.RequestOf<ServerRequest>(ResourceKind.Server, node.Name).UserData, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(berlin.Resources.Values, r => r.Resource.Name.Contains("big", StringComparison.Ordinal));
        var network = hamburg.RequestOf<NetworkRequest>(ResourceKind.Network, "demo-hamburg");
        Assert.Equal((_plan.Site("hamburg").Subnet, _plan.Site("hamburg").Mtu), (network.Cidr, network.Mtu));
        Assert.Equal(5 + 5 + 2 + 4 + 2 + 2, result.Created); // servers, ports, floating addresses, security groups (2 roles per site), key pairs, networks
    }

    [Fact]
    public async Task Nodes_no_longer_planned_lose_their_server_port_and_floating_address_and_nothing_else_is_touched()
    {
        var berlin = new FakeSiteProvider();
        var hamburg = new FakeSiteProvider();
        var providers = new Dictionary<string, ISiteProvider> { ["berlin"] = berlin, ["hamburg"] = hamburg };
        await ProvisionAsync(providers);
        var before = berlin.Resources.Count + hamburg.Resources.Count;
        // One berlin worker fewer.
        var smaller = TestSpecs.Cluster("demo",
            TestSpecs.Site("berlin", "10.11.0.0/24", 1500, master: true, TestSpecs.Group("cpu", 1), TestSpecs.Group("big", 0, 8, "large", "highmem")),
            TestSpecs.Site("hamburg", null, null, false, TestSpecs.Group("cpu", 1, 4)));
        var plan = Planner.Plan(smaller, FlavorCatalog.Empty);
        var events = new List<ProvisionEvent>();

        var removed = await ClusterProvisioner.RemoveUnplannedNodesAsync(plan, "demo-abc123", providers, new SynchronousProgress(events), None);

        Assert.Equal(["demo-berlin-cpu-002"], removed.ToArray());
        Assert.DoesNotContain(berlin.Resources.Values, r => r.Resource.Name == "demo-berlin-cpu-002");
        Assert.Equal(before - 2, berlin.Resources.Count + hamburg.Resources.Count); // its server and port
        Assert.Equal(["delete Server demo-berlin-cpu-002", "delete Port demo-berlin-cpu-002"], berlin.Calls.Where(c => c.StartsWith("delete", StringComparison.Ordinal)).ToArray());
        Assert.All(events, e => Assert.Equal(ProvisionAction.Deleted, e.Action));
        Assert.Empty(await ClusterProvisioner.RemoveUnplannedNodesAsync(plan, "demo-abc123", providers, null, None));
        Assert.Empty(await ClusterProvisioner.RemoveUnplannedNodesAsync(_plan, "demo-abc123", providers, null, None));
    }

    [Fact]
    public async Task The_master_and_gateways_get_floating_addresses_and_may_send_from_the_ranges_they_forward()
    {
        var berlin = new FakeSiteProvider();
        var hamburg = new FakeSiteProvider();

        var result = await ProvisionAsync(new Dictionary<string, ISiteProvider> { ["berlin"] = berlin, ["hamburg"] = hamburg });

        Assert.All(result.Nodes, n => Assert.Equal(n.NodeName is "demo-master" or "demo-hamburg-gw", n.PublicAddress is not null));
        var gateway = hamburg.RequestOf<PortRequest>(ResourceKind.Port, "demo-hamburg-gw");
        Assert.Equal(_plan.Overlay.Members.Single(m => m.Node == "demo-hamburg-gw").AllowedAddressPairs, gateway.AllowedAddressPairs);
        Assert.Contains(_plan.Site("berlin").Subnet, gateway.AllowedAddressPairs);
        Assert.Empty(hamburg.RequestOf<PortRequest>(ResourceKind.Port, "demo-hamburg-cpu-001").AllowedAddressPairs);
    }

    [Fact]
    public async Task Workers_get_the_worker_rules_and_only_vpn_nodes_accept_wireguard_and_only_from_the_other_vpn_nodes()
    {
        var berlin = new FakeSiteProvider();
        var hamburg = new FakeSiteProvider();

        var result = await ProvisionAsync(new Dictionary<string, ISiteProvider> { ["berlin"] = berlin, ["hamburg"] = hamburg });

        var worker = berlin.RequestOf<SecurityGroupRequest>(ResourceKind.SecurityGroup, "demo-berlin-worker");
        var master = berlin.RequestOf<SecurityGroupRequest>(ResourceKind.SecurityGroup, "demo-berlin-master");
        var gateway = hamburg.RequestOf<SecurityGroupRequest>(ResourceKind.SecurityGroup, "demo-hamburg-gateway");
        Assert.Equal(_plan.Firewall.For(NodeRole.Worker), worker.Rules);
        Assert.DoesNotContain(worker.Rules, r => r.Protocol == IpProtocol.Udp);
        var publicAddress = result.Nodes.Where(n => n.PublicAddress is not null).ToDictionary(n => n.NodeName, n => n.PublicAddress!);
        Assert.Equal([new SecurityRule(IpProtocol.Udp, 51820, 51820, new IPNetwork(publicAddress["demo-hamburg-gw"], 32))],
            master.Rules.Where(r => r.Protocol == IpProtocol.Udp));
        Assert.Equal([new SecurityRule(IpProtocol.Udp, 51820, 51820, new IPNetwork(publicAddress["demo-master"], 32))],
            gateway.Rules.Where(r => r.Protocol == IpProtocol.Udp));
        Assert.Contains("set rules demo-berlin-master", berlin.Calls);
        Assert.Equal([berlin.RequestOf<SecurityGroupRequest>(ResourceKind.SecurityGroup, "demo-berlin-worker")],
            berlin.Resources.Values.Where(r => r.Request is PortRequest p && p.Name == "demo-berlin-cpu-001")
                .Select(r => berlin.Resources[((PortRequest)r.Request).SecurityGroupIds.Single()].Request).ToArray());
    }

    [Fact]
    public async Task A_second_run_finds_every_resource_by_tag_and_name_and_creates_nothing()
    {
        var providers = new Dictionary<string, ISiteProvider> { ["berlin"] = new FakeSiteProvider(), ["hamburg"] = new FakeSiteProvider() };
        var first = await ProvisionAsync(providers);
        var events = new List<ProvisionEvent>();

        var second = await ProvisionAsync(providers, events);

        Assert.Equal(0, second.Created);
        Assert.Equal(first.Nodes.Select(n => (n.NodeName, n.ServerId, n.Address, n.PublicAddress)), second.Nodes.Select(n => (n.NodeName, n.ServerId, n.Address, n.PublicAddress)));
        Assert.DoesNotContain(events, e => e.Action == ProvisionAction.Created);
    }

    [Fact]
    public async Task A_run_stopped_half_way_continues_with_what_is_missing()
    {
        var berlin = new FakeSiteProvider();
        var providers = new Dictionary<string, ISiteProvider> { ["berlin"] = berlin, ["hamburg"] = new FakeSiteProvider() };
        await ProvisionAsync(providers);
        var server = berlin.Resources.Values.Single(r => r.Resource.Kind == ResourceKind.Server && r.Resource.Name == "demo-berlin-cpu-002").Resource;
        await berlin.DeleteAsync(server, None);
        berlin.Calls.Clear();

        var again = await ProvisionAsync(providers);

        Assert.Equal(1, again.Created);
        // The tunnel port's rule is set again on every run: the peers' addresses may have changed.
        Assert.Equal(["create Server demo-berlin-cpu-002", "set rules demo-berlin-master"], berlin.Calls.ToArray());
    }

    [Fact]
    public async Task A_server_that_fails_is_named_with_its_site_and_the_clouds_reason()
    {
        var hamburg = new FakeSiteProvider { FailingServer = "demo-hamburg-cpu-001" };

        var failure = await Assert.ThrowsAsync<GridSpanException>(() =>
            ProvisionAsync(new Dictionary<string, ISiteProvider> { ["berlin"] = new FakeSiteProvider(), ["hamburg"] = hamburg }));

        Assert.Equal("site 'hamburg': server demo-hamburg-cpu-001 failed to start: image debian-12 not found", failure.Message);
        Assert.Contains("gridspan create", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_deletes_in_dependency_order_and_proves_nothing_is_left()
    {
        var berlin = new FakeSiteProvider();
        var hamburg = new FakeSiteProvider();
        var providers = new Dictionary<string, ISiteProvider> { ["berlin"] = berlin, ["hamburg"] = hamburg };
        await ProvisionAsync(providers);
        await berlin.CreateKeyPairAsync(new KeyPairRequest("keep", "other-cluster", "ssh-ed25519 AAAA"), None);
        berlin.Calls.Clear();

        var deleted = await new ClusterTerminator().TerminateAsync("demo-abc123", providers, null, None);

        Assert.Equal(20, deleted.Length);
        Assert.Empty(await berlin.ListAsync("demo-abc123", None));
        Assert.Empty(await hamburg.ListAsync("demo-abc123", None));
        // Each node's floating address, server and port in that order, every node before the site's own resources, and those in dependency order.
        var calls = berlin.Calls.Select(c => (Kind: Enum.Parse<ResourceKind>(c.Split(' ')[1]), Name: c.Split(' ')[2])).ToList();
        var nodeCalls = calls.TakeWhile(c => NodeResources.Kinds.Contains(c.Kind)).ToList();
        Assert.All(nodeCalls.GroupBy(c => c.Name), node => Assert.Equal(node.Select(c => c.Kind).Order(), node.Select(c => c.Kind)));
        var siteKinds = calls.Skip(nodeCalls.Count).Select(c => c.Kind).ToList();
        Assert.DoesNotContain(siteKinds, NodeResources.Kinds.Contains);
        Assert.Equal(siteKinds.Order(), siteKinds);
        Assert.Single(await berlin.ListAsync("other-cluster", None)); // another cluster's resources stay
    }

    [Fact]
    public async Task Terminate_revokes_the_masters_credentials_and_then_releases_each_site_once_nothing_is_left()
    {
        var berlin = new FakeSiteProvider();
        var hamburg = new FakeSiteProvider();
        var providers = new Dictionary<string, ISiteProvider> { ["berlin"] = berlin, ["hamburg"] = hamburg };
        await ProvisionAsync(providers);

        await new ClusterTerminator().TerminateAsync("demo-abc123", providers, null, None);

        Assert.Equal(["revoke demo-abc123 (0 left)", "release demo-abc123 (0 left)"], berlin.Endings);
        Assert.Equal(["revoke demo-abc123 (0 left)", "release demo-abc123 (0 left)"], hamburg.Endings);
    }

    private sealed class SynchronousProgress(List<ProvisionEvent> events) : IProgress<ProvisionEvent>
    {
        public void Report(ProvisionEvent value)
        {
            lock (events)
            {
                events.Add(value);
            }
        }
    }
}
