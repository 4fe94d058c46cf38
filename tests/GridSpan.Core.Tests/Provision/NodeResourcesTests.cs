using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;

namespace GridSpan.Core.Tests.Provision;

public sealed class NodeResourcesTests : IAsyncDisposable
{
    private const string ClusterId = "demo-abc123";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ClusterPlan _plan = Planner.Plan(TestSpecs.TwoSites(), FlavorCatalog.Empty);
    private readonly FakeSiteProvider _hamburg = new();
    private int _placements;

    public ValueTask DisposeAsync() => _hamburg.DisposeAsync();

    private NodeResources Resources => new(_hamburg, "hamburg", ClusterId) { PollInterval = TimeSpan.FromMilliseconds(1) };

    private NodeRequest Request(string node) => NodeRequest.For(_plan, _plan.FindNode(node)!, $"#cloud-config\nhostname: {node}\n", async token =>
    {
        Interlocked.Increment(ref _placements);
        var network = await _hamburg.CreateNetworkAsync(new NetworkRequest("demo-hamburg", ClusterId, _plan.Site("hamburg").Subnet, 1500), token);
        var group = await _hamburg.CreateSecurityGroupAsync(new SecurityGroupRequest("demo-hamburg-worker", ClusterId, []), token);
        return new NodePlacement(network.Id, group.Id);
    });

    private async Task<ProvisionedNode> EnsureAsync(string node) =>
        await Resources.EnsureAsync(Request(node), await _hamburg.ListAsync(ClusterId, None), null, None);

    private async Task<List<CloudResource>> NodeResourcesOf(string node) =>
        [.. (await _hamburg.ListAsync(ClusterId, None)).Where(r => r.Name == node)];

    [Fact]
    public async Task Ensure_makes_a_port_at_the_planned_address_a_tagged_server_and_for_a_vpn_endpoint_a_public_address()
    {
        var events = new List<ProvisionEvent>();

        var gateway = await Resources.EnsureAsync(Request("demo-hamburg-gw"), [], new Recorder(events), None);

        var plan = _plan.FindNode("demo-hamburg-gw")!;
        Assert.Equal(plan.Address, _hamburg.RequestOf<PortRequest>(ResourceKind.Port, plan.Name).FixedAddress);
        Assert.Equal(_plan.Overlay.Members.Single(m => m.Node == plan.Name).AllowedAddressPairs, _hamburg.RequestOf<PortRequest>(ResourceKind.Port, plan.Name).AllowedAddressPairs);
        var server = _hamburg.RequestOf<ServerRequest>(ResourceKind.Server, plan.Name);
        Assert.Equal(("demo-abc123-hamburg", "gateway", "hamburg"), (server.KeyPairName, server.Metadata["gridspan-role"], server.Metadata["gridspan-site"]));
        Assert.NotNull(gateway.PublicAddress);
        Assert.Equal([ResourceKind.FloatingIp, ResourceKind.Server, ResourceKind.Port], (await NodeResourcesOf(plan.Name)).Select(r => r.Kind).Order());
        Assert.Equal([(ResourceKind.Port, ProvisionAction.Created), (ResourceKind.Server, ProvisionAction.Created), (ResourceKind.FloatingIp, ProvisionAction.Created),
            (ResourceKind.Server, ProvisionAction.Active)], events.Select(e => (e.Kind, e.Action)));

        var worker = await EnsureAsync("demo-hamburg-cpu-002");

        Assert.Null(worker.PublicAddress);
        Assert.Empty(_hamburg.RequestOf<PortRequest>(ResourceKind.Port, "demo-hamburg-cpu-002").AllowedAddressPairs);
        Assert.DoesNotContain(await NodeResourcesOf("demo-hamburg-cpu-002"), r => r.Kind == ResourceKind.FloatingIp);
    }

    [Fact]
    public async Task A_second_ensure_creates_nothing_and_returns_the_same_node()
    {
        var first = await EnsureAsync("demo-hamburg-gw");
        _hamburg.Calls.Clear();
        var events = new List<ProvisionEvent>();

        var second = await Resources.EnsureAsync(Request("demo-hamburg-gw"), await _hamburg.ListAsync(ClusterId, None), new Recorder(events), None);

        Assert.Empty(_hamburg.Calls);
        Assert.Equal(1, _placements);
        Assert.Equal((first.ServerId, first.Address, first.PublicAddress), (second.ServerId, second.Address, second.PublicAddress));
        Assert.All(events, e => Assert.Equal(ProvisionAction.Found, e.Action));
    }

    [Fact]
    public async Task Remove_deletes_every_kind_ensure_made_in_dependency_order_and_a_second_remove_deletes_nothing()
    {
        await EnsureAsync("demo-hamburg-gw");
        await EnsureAsync("demo-hamburg-cpu-002");
        _hamburg.Calls.Clear();

        var removed = await Resources.RemoveAsync("demo-hamburg-gw", null, null, None);

        Assert.Equal([ResourceKind.FloatingIp, ResourceKind.Server, ResourceKind.Port], removed.Select(r => r.Kind));
        Assert.Equal(["delete FloatingIp demo-hamburg-gw", "delete Server demo-hamburg-gw", "delete Port demo-hamburg-gw"], _hamburg.Calls);
        Assert.Empty(await NodeResourcesOf("demo-hamburg-gw"));
        Assert.Equal(2, (await NodeResourcesOf("demo-hamburg-cpu-002")).Count); // another node's stay
        Assert.Empty(await Resources.RemoveAsync("demo-hamburg-gw", null, null, None));
    }

    [Fact]
    public async Task An_ensure_refused_after_the_port_is_finished_by_the_next_which_makes_only_what_is_missing()
    {
        _hamburg.RefuseServers = true;
        var refused = await Assert.ThrowsAsync<GridSpanException>(() => EnsureAsync("demo-hamburg-cpu-002"));
        Assert.Contains("quota exceeded", refused.Message, StringComparison.Ordinal);
        Assert.Equal([ResourceKind.Port], (await NodeResourcesOf("demo-hamburg-cpu-002")).Select(r => r.Kind));
        _hamburg.RefuseServers = false;
        _hamburg.Calls.Clear();

        await EnsureAsync("demo-hamburg-cpu-002");

        Assert.Equal(["create Server demo-hamburg-cpu-002"], _hamburg.Calls);
        Assert.Equal(1, _placements);
    }

    [Fact]
    public async Task A_server_that_failed_is_named_with_the_clouds_reason_and_the_next_ensure_replaces_it()
    {
        _hamburg.FailingServer = "demo-hamburg-cpu-002";
        var failed = await Assert.ThrowsAsync<GridSpanException>(() => EnsureAsync("demo-hamburg-cpu-002"));
        Assert.Equal("site 'hamburg': server demo-hamburg-cpu-002 failed to start: image debian-12 not found", failed.Message);
        Assert.Contains("gridspan create", failed.Fix, StringComparison.Ordinal);
        var broken = (await NodeResourcesOf("demo-hamburg-cpu-002")).Single(r => r.Kind == ResourceKind.Server);
        _hamburg.FailingServer = null;
        var events = new List<ProvisionEvent>();

        var node = await Resources.EnsureAsync(Request("demo-hamburg-cpu-002"), await _hamburg.ListAsync(ClusterId, None), new Recorder(events), None);

        Assert.NotEqual(broken.Id, node.ServerId);
        Assert.Single(await NodeResourcesOf("demo-hamburg-cpu-002"), r => r.Kind == ResourceKind.Server);
        Assert.Contains(events, e => e is { Kind: ResourceKind.Server, Action: ProvisionAction.Deleted, Detail: "image debian-12 not found" } && e.Id == broken.Id);
    }

    [Fact]
    public async Task A_failed_ensure_leaves_nothing_once_removed()
    {
        _hamburg.FailingServer = "demo-hamburg-cpu-002";
        await Assert.ThrowsAsync<GridSpanException>(() => EnsureAsync("demo-hamburg-cpu-002"));

        var removed = await Resources.RemoveAsync("demo-hamburg-cpu-002", null, null, None);

        Assert.Equal([ResourceKind.Server, ResourceKind.Port], removed.Select(r => r.Kind));
        Assert.Empty(await NodeResourcesOf("demo-hamburg-cpu-002"));
    }

    private sealed class Recorder(List<ProvisionEvent> events) : IProgress<ProvisionEvent>
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
