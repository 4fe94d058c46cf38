using System.Collections.Concurrent;
using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Elastic;

/// <summary>What the hooks act on: the cluster as the master holds it, and how to reach its clouds, nodes and Slurm.</summary>
public sealed record ElasticCluster(
    ClusterPlan Plan,
    ClusterSecrets Secrets,
    ElasticContext Context,
    ImmutableDictionary<string, ISiteProvider> Providers,
    INodeConnector Connector,
    SlurmControl Slurm,
    ElasticLog Log,
    string LockDirectory);

/// <summary>
/// Slurm's power-saving hooks on the master. The cloud is the only truth about servers: each is
/// found by the cluster's tag and the node's name before anything is created, under a per-node
/// lock, so two hooks never make two servers for one node name and a hook killed at any point
/// leaves nothing that the next hook or <see cref="ReconcileAsync"/> does not find and finish or delete.
/// </summary>
public sealed class ElasticNodes(ElasticCluster cluster)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _siteLocks = new(StringComparer.Ordinal);

    public TimeSpan LockWait { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ConnectWait { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public int MaxParallelism { get; init; } = 32;

    /// <summary>How long a new node's converge is tried again after transient failures before the resume fails.</summary>
    public TimeSpan ConvergeRetryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The on-demand nodes of a hostlist; anything else is an error naming what may be given.</summary>
    public ImmutableArray<NodePlan> OnDemandNodes(string hostlist)
    {
        var names = Hostlist.Parse(hostlist);
        var nodes = ImmutableArray.CreateBuilder<NodePlan>();
        foreach (var name in names)
        {
            var node = cluster.Plan.FindNode(name);
            if (node is not { OnDemand: true })
            {
                throw GridSpanException.InvalidConfig($"'{name}' is not an on-demand node of cluster '{cluster.Plan.Name}'",
                    $"on-demand nodes: {Hostlist.Format(cluster.Plan.Nodes.Where(n => n.OnDemand).Select(n => n.Name))}");
            }
            nodes.Add(node);
        }
        return nodes.ToImmutable();
    }

    /// <summary>Creates and configures every node at once; a node that fails is cleaned up and set down in Slurm with the reason.</summary>
    /// <returns>The names of the nodes that failed.</returns>
    public async Task<ImmutableArray<string>> ResumeAsync(IReadOnlyList<NodePlan> nodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var failed = new ConcurrentBag<string>();
        await System.Threading.Tasks.Parallel.ForEachAsync(nodes, Options(cancellationToken), async (node, token) =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // The lock is held through the failure report too: its cleanup must not race a later resume of the node.
            using var held = await NodeLock.AcquireAsync(cluster.LockDirectory, node.Name, "resume", LockWait, token).ConfigureAwait(false);
            try
            {
                var changed = await BringUpAsync(node, token).ConfigureAwait(false);
                cluster.Log.Write("resume", node.Name, $"ready in {clock.Elapsed.TotalSeconds:0.0} s ({(changed ? "configured" : "already configured")})");
            }
            catch (GridSpanException failure)
            {
                failed.Add(node.Name);
                await ReportFailureAsync(node, failure, token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return [.. failed.Order(StringComparer.Ordinal)];
    }

    /// <summary>Deletes the nodes' servers and ports (Slurm powered them down).</summary>
    public async Task SuspendAsync(IReadOnlyList<NodePlan> nodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        await System.Threading.Tasks.Parallel.ForEachAsync(nodes, Options(cancellationToken), async (node, token) =>
        {
            using var held = await NodeLock.AcquireAsync(cluster.LockDirectory, node.Name, "suspend", LockWait, token).ConfigureAwait(false);
            var deleted = await DeleteServerAsync(node, token).ConfigureAwait(false);
            cluster.Log.Write("suspend", node.Name, deleted.Count == 0 ? "no server to delete" : "deleted " + string.Join(", ", deleted));
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Slurm gave up on a resume (ResumeTimeout): deletes what it left and returns each node to
    /// service (powered down, ready for the next job), except nodes GridSpan itself set down with a
    /// reason, which keep it until an admin resumes them.
    /// </summary>
    public async Task FailAsync(IReadOnlyList<NodePlan> nodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var states = await cluster.Slurm.NodesAsync(cancellationToken).ConfigureAwait(false);
        await System.Threading.Tasks.Parallel.ForEachAsync(nodes, Options(cancellationToken), async (node, token) =>
        {
            using var held = await NodeLock.AcquireAsync(cluster.LockDirectory, node.Name, "fail", LockWait, token).ConfigureAwait(false);
            var deleted = await DeleteServerAsync(node, token).ConfigureAwait(false);
            var reason = states.GetValueOrDefault(node.Name)?.Reason;
            if (reason is not null && reason.StartsWith(ReasonPrefix, StringComparison.Ordinal))
            {
                cluster.Log.Write("fail", node.Name, $"deleted {Listed(deleted)}; stays down: {reason}");
                return;
            }
            var result = await cluster.Slurm.UpdateAsync(node.Name, "resume", null, token).ConfigureAwait(false);
            cluster.Log.Write("fail", node.Name, $"deleted {Listed(deleted)}; returned to service (was: {reason ?? "no reason"})" +
                (result.Succeeded ? "" : $"; scontrol: {result.StandardError.Trim()}"));
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes the clouds agree with Slurm: deletes servers and ports of on-demand nodes Slurm has
    /// powered down, finishes resumes whose hook died (Slurm still waits for the node), and powers
    /// down nodes Slurm believes up whose server vanished. Nodes a hook holds are left alone.
    /// </summary>
    public async Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken)
    {
        var states = await cluster.Slurm.NodesAsync(cancellationToken).ConfigureAwait(false);
        var onDemand = cluster.Plan.Nodes.Where(n => n.OnDemand).ToDictionary(n => n.Name, StringComparer.Ordinal);
        var resources = new ConcurrentBag<CloudResource>();
        await Task.WhenAll(cluster.Providers.Values.Select(async provider =>
        {
            foreach (var resource in await provider.ListAsync(cluster.Context.ClusterId, cancellationToken).ConfigureAwait(false))
            {
                resources.Add(resource);
            }
        })).ConfigureAwait(false);
        var deleted = new ConcurrentBag<string>();
        var finished = new ConcurrentBag<string>();
        var reset = new ConcurrentBag<string>();
        await System.Threading.Tasks.Parallel.ForEachAsync(onDemand.Values, Options(cancellationToken), async (node, token) =>
        {
            var mine = resources.Where(r => r.Name == node.Name && r.Kind is ResourceKind.Server or ResourceKind.Port).ToList();
            if (!states.TryGetValue(node.Name, out var slurm))
            {
                return;
            }
            using var held = NodeLock.TryAcquire(cluster.LockDirectory, node.Name, "reconcile");
            if (held is null)
            {
                return; // a hook is working on it
            }
            var hasServer = mine.Any(r => r.Kind == ResourceKind.Server);
            if ((!slurm.WantsServer || slurm.Down) && mine.Count > 0)
            {
                // Powered down, or set down (a failed resume): no server may stay. No hook holds the node, so a
                // suspend that was killed is finished here too.
                var gone = await DeleteServerAsync(node, token).ConfigureAwait(false);
                deleted.Add(node.Name);
                cluster.Log.Write("reconcile", node.Name, $"Slurm has it {(slurm.Down ? "down" : "powered down")}: deleted {Listed(gone)}");
            }
            else if (slurm.PoweringUp && !slurm.Down)
            {
                // Slurm waits for it and no hook holds it: the resume died. Finish it (idempotent).
                try
                {
                    await BringUpAsync(node, token).ConfigureAwait(false);
                    finished.Add(node.Name);
                    cluster.Log.Write("reconcile", node.Name, "finished a resume whose hook had stopped");
                }
                catch (GridSpanException failure)
                {
                    await ReportFailureAsync(node, failure, token).ConfigureAwait(false);
                }
            }
            else if (slurm.WantsServer && !hasServer && !slurm.Down)
            {
                var result = await cluster.Slurm.UpdateAsync(node.Name, "power_down_force", null, token).ConfigureAwait(false);
                reset.Add(node.Name);
                cluster.Log.Write("reconcile", node.Name, $"Slurm had it up but its server is gone: powered down" +
                    (result.Succeeded ? "" : $"; scontrol: {result.StandardError.Trim()}"));
            }
        }).ConfigureAwait(false);
        return new ReconcileReport([.. deleted.Order(StringComparer.Ordinal)], [.. finished.Order(StringComparer.Ordinal)], [.. reset.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Reasons GridSpan sets start with this, so `fail` and admins tell them from Slurm's own.</summary>
    public const string ReasonPrefix = "gridspan:";

    /// <summary>Finds or creates the node's port and server, waits until it is active, and converges it to its bundle.</summary>
    private async Task<bool> BringUpAsync(NodePlan node, CancellationToken cancellationToken)
    {
        var provider = cluster.Providers[node.Site];
        var resources = await provider.ListAsync(cluster.Context.ClusterId, cancellationToken).ConfigureAwait(false);
        var serverId = resources.FirstOrDefault(r => r.Kind == ResourceKind.Server && r.Name == node.Name)?.Id;
        var portId = resources.FirstOrDefault(r => r.Kind == ResourceKind.Port && r.Name == node.Name)?.Id;
        if (serverId is not null)
        {
            var existing = await provider.GetServerAsync(serverId, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.Status == ServerStatus.Error)
            {
                await provider.DeleteAsync(new CloudResource(ResourceKind.Server, serverId, node.Name, cluster.Context.ClusterId), cancellationToken).ConfigureAwait(false);
                cluster.Log.Write("resume", node.Name, $"deleted its server {serverId}: {existing?.Fault ?? "gone"}");
                serverId = null;
            }
        }
        if (portId is null)
        {
            var networkId = resources.FirstOrDefault(r => r.Kind == ResourceKind.Network && r.Name == ClusterProvisioner.NetworkName(cluster.Plan, node.Site))?.Id
                ?? throw GridSpanException.Provider(node.Site, $"the network {ClusterProvisioner.NetworkName(cluster.Plan, node.Site)} of the cluster is missing",
                    "run `gridspan create` again to restore the cluster's resources");
            var groupId = await EnsureWorkerGroupAsync(provider, node.Site, resources, cancellationToken).ConfigureAwait(false);
            portId = (await provider.CreatePortAsync(new PortRequest(node.Name, cluster.Context.ClusterId, networkId, node.Address, [groupId], []),
                cancellationToken).ConfigureAwait(false)).Id;
        }
        if (serverId is null)
        {
            var runtime = ClusterCreator.OptionsFor(cluster.Plan, node, cluster.Context.Probes).Runtime;
            serverId = (await provider.CreateServerAsync(NodeServers.Request(cluster.Context.ClusterId, node, portId,
                CloudInitRenderer.Render(cluster.Plan, node, cluster.Secrets, runtime)), cancellationToken).ConfigureAwait(false)).Id;
            cluster.Log.Write("resume", node.Name, $"created server {serverId} in site {node.Site}");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var server = await NodeServers.WaitActiveAsync(provider, node, serverId, ActiveTimeout, PollInterval, Time, cancellationToken).ConfigureAwait(false);
        cluster.Log.Write("resume", node.Name, $"server {serverId} active after {clock.Elapsed.TotalSeconds:0.0} s");
        var target = TargetOf(node, server.HostKeys);
        var probes = cluster.Context.Probes;
        var renderer = new ClusterRenderer(cluster.Plan, cluster.Secrets, new ClusterFacts(cluster.Context.PublicAddresses
                .Where(a => cluster.Plan.Overlay.Members.Any(m => m.Node == a.Key)).ToImmutableSortedDictionary(StringComparer.Ordinal)),
            n => ClusterCreator.OptionsFor(cluster.Plan, n, probes));
        var configurator = new ClusterConfigurator(cluster.Connector, new NodeConverger(new ConvergeOptions { HealthChecks = [new MungeHealthCheck()] }))
        {
            ConnectWait = ConnectWait,
        };
        await WaitForSshAsync(target, cancellationToken).ConfigureAwait(false);
        cluster.Log.Write("resume", node.Name, $"SSH answers after {clock.Elapsed.TotalSeconds:0.0} s");
        var bundle = renderer.Render(node.Name).Bundle;
        // A burst of new nodes can briefly overwhelm what they all use at once (the master's sshd for the shares):
        // converging is idempotent, so a failure that says it may pass is tried again before the node is given up.
        var attempt = 0;
        return await Wait.RetryTransientAsync(async token =>
        {
            attempt++;
            var result = await configurator.ConfigureAsync([new NodeAssignment(bundle, target)], new ConvergeStepLog(cluster.Log), token).ConfigureAwait(false);
            result.EnsureSuccess();
            return result.Changed || attempt > 1;
        }, TimeSpan.FromSeconds(1), ConvergeRetryTimeout, Time, cancellationToken,
            failure => cluster.Log.Write("resume", node.Name, $"configuring failed (attempt {attempt}), again: {failure.Message.Split('\n')[0]}")).ConfigureAwait(false);
    }

    /// <summary>
    /// How the master reaches a new node: directly in its own site; elsewhere through the site's
    /// gateway (at its site address, routed through the tunnel), because a new worker has no route
    /// back to other sites until it is configured.
    /// </summary>
    private SshTarget TargetOf(NodePlan node, ImmutableArray<string> reportedHostKeys)
    {
        SshTarget Direct(NodePlan n, IEnumerable<string> extra) => SshTarget.Direct(n.Name, n.Address.ToString(),
            new[] { cluster.Secrets.HostKeys[n.Name].PublicKey }.Concat(extra).Distinct(StringComparer.Ordinal), ClusterTargets.LoginUser(cluster.Plan, n));
        var target = Direct(node, reportedHostKeys);
        var vpn = cluster.Plan.Site(node.Site).VpnNode;
        return vpn == cluster.Plan.Master ? target : target.Via(Direct(cluster.Plan.FindNode(vpn)!, []));
    }

    /// <summary>
    /// Waits until the new node runs commands over SSH. Its sshd answers early in boot, while logins
    /// may still wait for the rest of the system, so a slow first command is retried, not a failure.
    /// </summary>
    private async Task WaitForSshAsync(SshTarget target, CancellationToken cancellationToken)
    {
        await Wait.RetryTransientAsync(token => cluster.Connector.ConnectAsync(target, ConnectWait, token), TimeSpan.FromMilliseconds(300), ConnectWait,
            Time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The worker security group of a site; created (once, under a lock) when the site has no static worker.</summary>
    private async Task<string> EnsureWorkerGroupAsync(ISiteProvider provider, string site, ImmutableArray<CloudResource> resources, CancellationToken cancellationToken)
    {
        var name = ClusterProvisioner.SecurityGroupName(cluster.Plan, site, NodeRole.Worker);
        if (resources.FirstOrDefault(r => r.Kind == ResourceKind.SecurityGroup && r.Name == name) is { } found)
        {
            return found.Id;
        }
        var gate = _siteLocks.GetOrAdd(site, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var held = await NodeLock.AcquireAsync(cluster.LockDirectory, $"site-{site}", "security group", LockWait, cancellationToken).ConfigureAwait(false);
            var now = await provider.ListAsync(cluster.Context.ClusterId, cancellationToken).ConfigureAwait(false);
            if (now.FirstOrDefault(r => r.Kind == ResourceKind.SecurityGroup && r.Name == name) is { } made)
            {
                return made.Id;
            }
            return (await provider.CreateSecurityGroupAsync(new SecurityGroupRequest(name, cluster.Context.ClusterId,
                ClusterProvisioner.RulesFor(cluster.Plan, NodeRole.Worker)), cancellationToken).ConfigureAwait(false)).Id;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes the node's server, then its port (found by name and tag); returns what it deleted.</summary>
    private async Task<List<string>> DeleteServerAsync(NodePlan node, CancellationToken cancellationToken)
    {
        var provider = cluster.Providers[node.Site];
        var resources = await provider.ListAsync(cluster.Context.ClusterId, cancellationToken).ConfigureAwait(false);
        var deleted = new List<string>();
        foreach (var kind in new[] { ResourceKind.FloatingIp, ResourceKind.Server, ResourceKind.Port })
        {
            foreach (var resource in resources.Where(r => r.Kind == kind && r.Name == node.Name))
            {
                await provider.DeleteAsync(resource, cancellationToken).ConfigureAwait(false);
                deleted.Add($"{kind.ToString().ToLowerInvariant()} {resource.Id}");
            }
        }
        return deleted;
    }

    /// <summary>Logs the whole failure, removes what the resume made, and sets the node down in Slurm with a short reason.</summary>
    private async Task ReportFailureAsync(NodePlan node, GridSpanException failure, CancellationToken cancellationToken)
    {
        cluster.Log.Write("resume", node.Name, $"failed: {failure.Message}" + (failure.Fix is null ? "" : $" (fix: {failure.Fix})"));
        List<string> deleted;
        try
        {
            deleted = await DeleteServerAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (GridSpanException cleanup)
        {
            cluster.Log.Write("resume", node.Name, $"cleanup failed (reconcile retries it): {cleanup.Message}");
            deleted = [];
        }
        var reason = Reason(failure.Message);
        try
        {
            // Powered down first (Slurm stops waiting for it; its job goes back to the queue), then, once the
            // power-down started (which makes the node idle), down with the reason: `sinfo -R` shows it, and
            // `scontrol update state=resume` later makes it idle~, started on the next job.
            await cluster.Slurm.UpdateAsync(node.Name, "power_down_force", reason, cancellationToken).ConfigureAwait(false);
            var started = await cluster.Slurm.WaitPowerDownStartedAsync(node.Name, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            var down = await cluster.Slurm.UpdateAsync(node.Name, "down", reason, cancellationToken).ConfigureAwait(false);
            cluster.Log.Write("resume", node.Name, $"deleted {Listed(deleted)}; set down in Slurm: {reason}" +
                (started ? "" : "; Slurm had not started powering it down after 15 s, so its power-down may clear the reason") +
                (down.Succeeded ? "" : $"; scontrol: {down.StandardError.Trim()}"));
        }
        catch (GridSpanException slurm)
        {
            cluster.Log.Write("resume", node.Name, $"deleted {Listed(deleted)}; could not set it down in Slurm: {slurm.Message}");
        }
    }

    /// <summary>A Slurm reason: the first line of the message, short, as `sinfo -R` shows it.</summary>
    public static string Reason(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var first = message.Split('\n')[0].Replace('"', '\'').Trim();
        var text = $"{ReasonPrefix} {first}";
        return text.Length <= 200 ? text : text[..197] + "...";
    }

    private static string Listed(List<string> deleted) => deleted.Count == 0 ? "nothing" : string.Join(", ", deleted);

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = MaxParallelism, CancellationToken = cancellationToken };
}

/// <summary>What a reconcile pass did, by node.</summary>
public sealed record ReconcileReport(ImmutableArray<string> Deleted, ImmutableArray<string> Finished, ImmutableArray<string> Reset);
