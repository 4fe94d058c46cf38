using System.Collections.Concurrent;
using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Core.Tests.Provision;
using GridSpan.Core.Tests.Render;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Render;

namespace GridSpan.Core.Tests.Cluster;

/// <summary>Under the vxlan overlay an on-demand node's port on the switch comes with the node and goes with it (issue 14).</summary>
public sealed class SwitchPortLifecycleTests : IAsyncDisposable
{
    private const string ClusterId = "sw-abc123";
    private const string Node = "sw-berlin-cpu-003";
    private const string Switch = "sw-hub-sw";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ClusterPlan _plan = VxlanRenderTests.Switched;
    private readonly FakeSiteProvider _berlin = new();
    private readonly FakeSiteProvider _hub = new();
    private readonly RecordingConnector _connector = new();
    private readonly ConcurrentQueue<string> _log = new();

    public async ValueTask DisposeAsync()
    {
        await _berlin.DisposeAsync();
        await _hub.DisposeAsync();
    }

    private NodeLifecycle Lifecycle => new(_plan, VxlanRenderTests.SwitchedSecrets,
        new ElasticContext(_plan.Name, ClusterId, ImmutableSortedDictionary<string, NodeProbe>.Empty, ImmutableSortedDictionary<string, string>.Empty),
        new Dictionary<string, ISiteProvider> { ["berlin"] = _berlin, ["hub"] = _hub }, _connector)
    {
        PollInterval = TimeSpan.FromMilliseconds(1),
        ConnectWait = TimeSpan.FromSeconds(5),
        Placement = async (_, _, token) =>
        {
            var network = await _berlin.CreateNetworkAsync(new NetworkRequest("sw-berlin", ClusterId, _plan.Site("berlin").Subnet, 1500), token);
            var group = await _berlin.CreateSecurityGroupAsync(new SecurityGroupRequest("sw-berlin-worker", ClusterId, []), token);
            return new NodePlacement(network.Id, group.Id);
        },
        Log = (node, message) => _log.Enqueue($"{node.Name}: {message}"),
    };

    [Fact]
    public async Task Ensure_adds_the_nodes_port_on_the_switch_before_it_connects_to_the_node()
    {
        // The node's own converge fails here (its fake session answers nothing): the port was added before.
        await Assert.ThrowsAsync<GridSpanException>(() => Lifecycle.EnsureAsync(_plan.FindNode(Node)!, None));

        var (target, command) = _connector.Commands.First();
        Assert.Equal((Switch, "10.13.0.10", null), (target.NodeName, target.Address, target.Jump?.NodeName));
        Assert.Equal($"{NodePaths.VxlanPortScript} add {Node}", command);
        Assert.Contains(_connector.Commands, c => c.Target.NodeName == Node);
        Assert.Contains($"{Node}: port vx5 added to the switch {Switch}", _log);
    }

    [Fact]
    public async Task Remove_takes_the_nodes_port_off_the_switch_and_a_switch_that_refuses_leaves_the_removal_done()
    {
        await Lifecycle.RemoveAsync(_plan.FindNode(Node)!, None);
        Assert.Equal([(Switch, $"{NodePaths.VxlanPortScript} del {Node}")], _connector.Commands.Select(c => (c.Target.NodeName, c.Command)));

        _connector.SwitchFails = true;
        await Lifecycle.RemoveAsync(_plan.FindNode(Node)!, None);
        Assert.Contains(_log, line => line.StartsWith($"{Node}: its port on the switch stays for now: node '{Node}': its port vx5 on the switch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Static_nodes_never_touch_the_switch()
    {
        await Lifecycle.RemoveAsync(_plan.FindNode("sw-berlin-cpu-001")!, None);
        Assert.Empty(_connector.Commands);
    }

    /// <summary>Records every command with its target; the switch's `vxlan-port` succeeds (unless told not to), anything else fails.</summary>
    private sealed class RecordingConnector : INodeConnector
    {
        public ConcurrentQueue<(SshTarget Target, string Command)> Commands { get; } = new();

        public bool SwitchFails { get; set; }

        public Task<INodeSession> ConnectAsync(SshTarget target, TimeSpan waitUpTo, CancellationToken cancellationToken) =>
            Task.FromResult<INodeSession>(new Session(target, this));

        private sealed class Session(SshTarget target, RecordingConnector connector) : INodeSession
        {
            public string NodeName => target.NodeName;

            public Task<CommandResult> RunAsync(string command, string? standardInput, CancellationToken cancellationToken)
            {
                connector.Commands.Enqueue((target, command));
                var ok = command.StartsWith(NodePaths.VxlanPortScript, StringComparison.Ordinal) && !connector.SwitchFails;
                return Task.FromResult(new CommandResult(command, ok ? 0 : 1, "", ok ? "" : "sh: cannot run"));
            }
        }
    }
}
