using System.Collections.Concurrent;
using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Provision;
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
public sealed partial class ElasticNodes(ElasticCluster cluster)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _siteLocks = new(StringComparer.Ordinal);

    /// <summary>Makes and unmakes each node: the same lifecycle whichever hook acts.</summary>
    private NodeLifecycle Lifecycle => field ??= new NodeLifecycle(cluster.Plan, cluster.Secrets, cluster.Context, cluster.Providers, cluster.Connector)
    {
        Placement = PlacementAsync,
        Log = (node, message) => cluster.Log.Write("resume", node.Name, message),
        Steps = new ConvergeStepLog(cluster.Log),
    };

    public TimeSpan LockWait { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxParallelism { get; init; } = 32;

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
                var changed = await Lifecycle.EnsureAsync(node, token).ConfigureAwait(false);
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

    /// <summary>Removes the nodes' servers and ports (Slurm powered them down).</summary>
    public async Task SuspendAsync(IReadOnlyList<NodePlan> nodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        await System.Threading.Tasks.Parallel.ForEachAsync(nodes, Options(cancellationToken), async (node, token) =>
        {
            using var held = await NodeLock.AcquireAsync(cluster.LockDirectory, node.Name, "suspend", LockWait, token).ConfigureAwait(false);
            var deleted = await Lifecycle.RemoveAsync(node, token).ConfigureAwait(false);
            cluster.Log.Write("suspend", node.Name, deleted.IsEmpty ? "no server to delete" : "deleted " + Listed(deleted));
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
            var deleted = await Lifecycle.RemoveAsync(node, token).ConfigureAwait(false);
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
            var mine = resources.Where(r => r.Name == node.Name && NodeResources.Kinds.Contains(r.Kind)).ToList();
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
                var gone = await Lifecycle.RemoveAsync(node, token).ConfigureAwait(false);
                deleted.Add(node.Name);
                cluster.Log.Write("reconcile", node.Name, $"Slurm has it {(slurm.Down ? "down" : "powered down")}: deleted {Listed(gone)}");
            }
            else if (slurm.PoweringUp && !slurm.Down)
            {
                // Slurm waits for it and no hook holds it: the resume died. Finish it (idempotent).
                try
                {
                    await Lifecycle.EnsureAsync(node, token).ConfigureAwait(false);
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

    /// <summary>"server server-7, port port-3", or "nothing".</summary>
    private static string Listed(ImmutableArray<CloudResource> deleted) =>
        deleted.IsEmpty ? "nothing" : string.Join(", ", deleted.Select(r => $"{r.Kind.ToString().ToLowerInvariant()} {r.Id}"));

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = MaxParallelism, CancellationToken = cancellationToken };
}

/// <summary>What a reconcile pass did, by node.</summary>
public sealed record ReconcileReport(ImmutableArray<string> Deleted, ImmutableArray<string> Finished, ImmutableArray<string> Reset);
