using System.Collections.Concurrent;
using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Core.Tests.Provision;
using GridSpan.Core.Tests.Render;
using GridSpan.Plan;
using GridSpan.Provision;

namespace GridSpan.Core.Tests.Cluster;

public sealed class NodeLifecycleTests : IAsyncDisposable
{
    private const string ClusterId = "demo-abc123";
    private const string Node = "demo-hamburg-cpu-002";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ClusterPlan _plan = RenderSnapshotTests.Demo;
    private readonly FakeSiteProvider _berlin = new();
    private readonly FakeSiteProvider _hamburg = new();
    private readonly ScriptedConnector _connector = new();
    private readonly ConcurrentQueue<string> _log = new();
    private int _placements;

    public async ValueTask DisposeAsync()
    {
        await _berlin.DisposeAsync();
        await _hamburg.DisposeAsync();
    }

    private NodeLifecycle Lifecycle => new(_plan, RenderSnapshotTests.DemoSecrets,
        new ElasticContext(_plan.Name, ClusterId, ImmutableSortedDictionary<string, NodeProbe>.Empty, ImmutableSortedDictionary<string, string>.Empty),
        new Dictionary<string, ISiteProvider> { ["berlin"] = _berlin, ["hamburg"] = _hamburg }, _connector)
    {
        PollInterval = TimeSpan.FromMilliseconds(1),
        ConnectWait = TimeSpan.FromSeconds(5),
        Placement = async (_, _, token) =>
        {
            Interlocked.Increment(ref _placements);
            var network = await _hamburg.CreateNetworkAsync(new NetworkRequest("demo-hamburg", ClusterId, _plan.Site("hamburg").Subnet, 1500), token);
            var group = await _hamburg.CreateSecurityGroupAsync(new SecurityGroupRequest("demo-hamburg-worker", ClusterId, []), token);
            return new NodePlacement(network.Id, group.Id);
        },
        Log = (node, message) => _log.Enqueue($"{node.Name}: {message}"),
    };

    private NodePlan OnDemand => _plan.FindNode(Node)!;

    private async Task<List<ResourceKind>> KindsOfNodeAsync() =>
        [.. (await _hamburg.ListAsync(ClusterId, None)).Where(r => r.Name == Node).Select(r => r.Kind).Order()];

    [Fact]
    public async Task Ensure_makes_the_server_before_it_connects_and_reaches_a_node_of_another_site_through_its_gateway_with_the_clouds_host_key()
    {
        _connector.Refuse = GridSpanException.Failed($"node '{Node}': the host key is not the one pinned");

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => Lifecycle.EnsureAsync(OnDemand, None));

        Assert.Contains("host key", failure.Message, StringComparison.Ordinal);
        Assert.Equal([ResourceKind.Server, ResourceKind.Port], await KindsOfNodeAsync());
        var target = Assert.Single(_connector.Targets);
        Assert.Equal((Node, OnDemand.Address.ToString(), "demo-hamburg-gw"), (target.NodeName, target.Address, target.Jump?.NodeName));
        Assert.Equal(2, target.HostKeys.Length); // its own pre-made key and the one the cloud reported
        Assert.Contains(_log, line => line.StartsWith($"{Node}: created server ", StringComparison.Ordinal));
        Assert.Contains(_log, line => line.StartsWith($"{Node}: server ", StringComparison.Ordinal) && line.Contains(" active after ", StringComparison.Ordinal));
        Assert.Contains("#cloud-config", _hamburg.RequestOf<ServerRequest>(ResourceKind.Server, Node).UserData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_ensure_makes_nothing_new_in_the_cloud()
    {
        _connector.Refuse = GridSpanException.Failed("unreachable");
        await Assert.ThrowsAsync<GridSpanException>(() => Lifecycle.EnsureAsync(OnDemand, None));
        _hamburg.Calls.Clear();

        await Assert.ThrowsAsync<GridSpanException>(() => Lifecycle.EnsureAsync(OnDemand, None));

        Assert.Empty(_hamburg.Calls);
        Assert.Equal(1, _placements);
        Assert.Equal([ResourceKind.Server, ResourceKind.Port], await KindsOfNodeAsync());
    }

    [Fact]
    public async Task An_unreachable_node_is_waited_for_while_ssh_says_it_may_pass_and_a_converge_that_fails_for_good_ends_the_ensure()
    {
        _connector.TransientRefusals = 2;
        _connector.Refuse = null;

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => Lifecycle.EnsureAsync(OnDemand, None));

        Assert.Contains("could not read the node's state", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, _connector.TransientRefusals);
        Assert.Contains(_log, line => line.Contains("SSH answers after", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, line => line.Contains("configuring failed", StringComparison.Ordinal)); // not transient: not tried again
    }

    [Fact]
    public async Task Remove_deletes_everything_ensure_made_and_a_second_remove_deletes_nothing()
    {
        _connector.Refuse = GridSpanException.Failed("unreachable");
        await Assert.ThrowsAsync<GridSpanException>(() => Lifecycle.EnsureAsync(OnDemand, None));

        var removed = await Lifecycle.RemoveAsync(OnDemand, None);

        Assert.Equal([ResourceKind.Server, ResourceKind.Port], removed.Select(r => r.Kind));
        Assert.Empty(await KindsOfNodeAsync());
        Assert.Empty(await Lifecycle.RemoveAsync(OnDemand, None));
        Assert.Equal(2, (await _hamburg.ListAsync(ClusterId, None)).Length); // the site's network and group stay
    }

    /// <summary>Connects after a number of transient refusals, or refuses for good; its sessions answer every command with a failure.</summary>
    private sealed class ScriptedConnector : INodeConnector
    {
        private int _transientRefusals;

        public ConcurrentQueue<SshTarget> Targets { get; } = new();

        public GridSpanException? Refuse { get; set; }

        public int TransientRefusals
        {
            get => Volatile.Read(ref _transientRefusals);
            set => Volatile.Write(ref _transientRefusals, value);
        }

        public Task<INodeSession> ConnectAsync(SshTarget target, TimeSpan waitUpTo, CancellationToken cancellationToken)
        {
            Targets.Enqueue(target);
            if (Interlocked.Decrement(ref _transientRefusals) >= 0)
            {
                throw GridSpanException.Failed($"node '{target.NodeName}' is unreachable over SSH").AsTransient();
            }
            Interlocked.Exchange(ref _transientRefusals, 0);
            return Refuse is { } refusal ? throw refusal : Task.FromResult<INodeSession>(new FailingSession(target.NodeName));
        }
    }

    private sealed class FailingSession(string nodeName) : INodeSession
    {
        public string NodeName { get; } = nodeName;

        public Task<CommandResult> RunAsync(string command, string? standardInput, CancellationToken cancellationToken) =>
            Task.FromResult(new CommandResult(command, 1, "", "sh: cannot run"));
    }
}
