using System.Collections.Immutable;
using System.Diagnostics;
using GridSpan.Common;
using GridSpan.Common.Quoting;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Cluster;

/// <summary>
/// One node of a running cluster, made and unmade in one place. <see cref="EnsureAsync"/>: its cloud
/// resources (<see cref="NodeResources"/>: port, server, public address, the wait until it is active),
/// then SSH answering, then the node converged to its bundle. <see cref="RemoveAsync"/>: its resources
/// deleted. Both are idempotent: what exists is found by the cluster's tag and the node's name, so an
/// ensure stopped at any point is finished by the next one, and a remove leaves nothing of the node.
/// The master's hooks use it for on-demand nodes; `create` makes its static nodes' resources through
/// the same <see cref="NodeResources"/> and converges them with the same <see cref="Configurator"/>,
/// in waves (a gateway before the workers behind it).
/// </summary>
public sealed class NodeLifecycle(
    ClusterPlan plan,
    ClusterSecrets secrets,
    ElasticContext context,
    IReadOnlyDictionary<string, ISiteProvider> providers,
    INodeConnector connector)
{
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ConnectWait { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a new node's converge is tried again after transient failures before the ensure fails.</summary>
    public TimeSpan ConvergeRetryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How the user tries again, for the fixes of failures.</summary>
    public string Again { get; init; } = "let Slurm resume the node again (it does when jobs wait)";

    /// <summary>Where a new node's port goes, given the site's resources listed at the start of the ensure.</summary>
    public required Func<NodePlan, IReadOnlyCollection<CloudResource>, CancellationToken, Task<NodePlacement>> Placement { get; init; }

    /// <summary>Hears what an ensure did, one line at a time (the master's log).</summary>
    public Action<NodePlan, string>? Log { get; init; }

    /// <summary>Hears each converge step.</summary>
    public IProgress<ConvergeStep>? Steps { get; init; }

    /// <summary>How every node of a cluster is converged: to its bundle, then checked (munge).</summary>
    public static ClusterConfigurator Configurator(INodeConnector connector, TimeSpan connectWait) =>
        new(connector, new NodeConverger(new ConvergeOptions { HealthChecks = [new MungeHealthCheck()] })) { ConnectWait = connectWait };

    /// <summary>Makes the node exist, answer SSH and equal its bundle.</summary>
    /// <returns>Whether converging changed the node (false: it already was as its bundle says).</returns>
    public async Task<bool> EnsureAsync(NodePlan node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var provider = providers[node.Site];
        var listed = await provider.ListAsync(context.ClusterId, cancellationToken).ConfigureAwait(false);
        var resources = new NodeResources(provider, node.Site, context.ClusterId)
        {
            ActiveTimeout = ActiveTimeout,
            PollInterval = PollInterval,
            Time = Time,
            Again = Again,
        };
        var runtime = ClusterCreator.OptionsFor(plan, node, context.Probes).Runtime;
        var request = NodeRequest.For(plan, node, CloudInitRenderer.Render(plan, node, secrets, runtime), token => Placement(node, listed, token));
        var clock = Stopwatch.StartNew();
        var made = await resources.EnsureAsync(request, listed, new ResourceLog(node, this, clock), cancellationToken).ConfigureAwait(false);
        // Its port on the vxlan switch first, so the node reaches the cluster as soon as its tunnel comes up.
        await SwitchPortAsync(node, add: true, cancellationToken).ConfigureAwait(false);

        var target = TargetOf(node, made.HostKeys);
        // Its sshd answers early in boot, while logins may still wait for the rest of the system: a slow first command is retried, not a failure.
        await Wait.RetryTransientAsync(token => connector.ConnectAsync(target, ConnectWait, token), TimeSpan.FromMilliseconds(300), ConnectWait,
            Time, cancellationToken).ConfigureAwait(false);
        Log?.Invoke(node, $"SSH answers after {clock.Elapsed.TotalSeconds:0.0} s");

        var probes = context.Probes;
        var facts = new ClusterFacts(context.PublicAddresses.Where(a => plan.Overlay.Members.Any(m => m.Node == a.Key))
            .ToImmutableSortedDictionary(StringComparer.Ordinal));
        var bundle = new ClusterRenderer(plan, secrets, facts, n => ClusterCreator.OptionsFor(plan, n, probes)).Render(node.Name).Bundle;
        var configurator = Configurator(connector, ConnectWait);
        // A burst of new nodes can briefly overwhelm what they all use at once (the master's sshd for the shares):
        // converging is idempotent, so a failure that says it may pass is tried again before the node is given up.
        var attempt = 0;
        return await Wait.RetryTransientAsync(async token =>
        {
            attempt++;
            var result = await configurator.ConfigureAsync([new NodeAssignment(bundle, target)], Steps, token).ConfigureAwait(false);
            result.EnsureSuccess();
            return result.Changed || attempt > 1;
        }, TimeSpan.FromSeconds(1), ConvergeRetryTimeout, Time, cancellationToken,
            failure => Log?.Invoke(node, $"configuring failed (attempt {attempt}), again: {failure.Message.Split('\n')[0]}")).ConfigureAwait(false);
    }

    /// <summary>Deletes the node's floating address, server and port; deleting what is gone is no error.</summary>
    /// <returns>What was deleted.</returns>
    public async Task<ImmutableArray<CloudResource>> RemoveAsync(NodePlan node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var deleted = await new NodeResources(providers[node.Site], node.Site, context.ClusterId)
            .RemoveAsync(node.Name, null, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await SwitchPortAsync(node, add: false, cancellationToken).ConfigureAwait(false);
        }
        catch (GridSpanException failure)
        {
            // The node is gone either way; an idle port left behind carries nothing and the next resume takes it over.
            Log?.Invoke(node, $"its port on the switch stays for now: {failure.Message.Split('\n')[0]}");
        }
        return deleted;
    }

    /// <summary>
    /// Under the vxlan overlay, adds or removes an on-demand node's port on the switch (`vxlan-port`, in
    /// the switch's bundle), reached at its site address through the tunnel between the sites.
    /// </summary>
    private async Task SwitchPortAsync(NodePlan node, bool add, CancellationToken cancellationToken)
    {
        if (plan.Overlay.Switch is not { } segment || !node.OnDemand)
        {
            return;
        }
        var switchNode = plan.FindNode(segment.Node)!;
        var session = await Wait.RetryTransientAsync(token => connector.ConnectAsync(Direct(switchNode, []), ConnectWait, token),
            TimeSpan.FromMilliseconds(300), ConnectWait, Time, cancellationToken).ConfigureAwait(false);
        var action = add ? "add" : "del";
        var result = await session.RunAsync($"{NodePaths.VxlanPortScript} {action} {ShellQuote.Quote(node.Name)}", null, cancellationToken).ConfigureAwait(false);
        var device = segment.PortOf(node.Name).Device;
        if (!result.Succeeded)
        {
            throw GridSpanException.Failed(
                $"node '{node.Name}': its port {device} on the switch {segment.Node} could not be {(add ? "added" : "removed")}: {result.StandardError.Trim()}",
                $"check the switch (`gridspan doctor`); {Again}");
        }
        Log?.Invoke(node, $"port {device} {(add ? "added to" : "removed from")} the switch {segment.Node}");
    }

    /// <summary>
    /// How GridSpan reaches a new node: directly in the master's site; elsewhere through the site's
    /// gateway (at its site address, routed through the tunnel), because a new worker has no route
    /// back to other sites until it is configured.
    /// </summary>
    private SshTarget TargetOf(NodePlan node, ImmutableArray<string> reportedHostKeys)
    {
        var target = Direct(node, reportedHostKeys);
        var vpn = plan.Site(node.Site).VpnNode;
        return vpn == plan.Master ? target : target.Via(Direct(plan.FindNode(vpn)!, []));
    }

    /// <summary>A node at its site address, with its pinned host key and any the cloud reported.</summary>
    private SshTarget Direct(NodePlan node, IEnumerable<string> extraHostKeys) => SshTarget.Direct(node.Name, node.Address.ToString(),
        new[] { secrets.HostKeys[node.Name].PublicKey }.Concat(extraHostKeys).Distinct(StringComparer.Ordinal), ClusterTargets.LoginUser(plan, node));

    /// <summary>The resource steps of an ensure as log lines: what was made or replaced, and when the server was active.</summary>
    private sealed class ResourceLog(NodePlan node, NodeLifecycle lifecycle, Stopwatch clock) : IProgress<ProvisionEvent>
    {
        public void Report(ProvisionEvent value)
        {
            if (value is { Kind: ResourceKind.Server, Action: ProvisionAction.Created })
            {
                clock.Restart(); // the times logged from here on are the server's: since it was asked for
            }
            var line = (value.Kind, value.Action) switch
            {
                (ResourceKind.Server, ProvisionAction.Created) => $"created server {value.Id} in site {value.Site}",
                (ResourceKind.Server, ProvisionAction.Deleted) => $"deleted its server {value.Id}: {value.Detail}",
                (ResourceKind.Server, ProvisionAction.Active) => $"server {value.Id} active after {clock.Elapsed.TotalSeconds:0.0} s",
                (_, ProvisionAction.Created) => $"created {value.Kind.ToString().ToLowerInvariant()} {value.Id}",
                _ => null,
            };
            if (line is not null)
            {
                lifecycle.Log?.Invoke(node, line);
            }
        }
    }
}
