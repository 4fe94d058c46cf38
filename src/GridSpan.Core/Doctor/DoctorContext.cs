using System.Collections.Concurrent;
using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Plan;

namespace GridSpan.Doctor;

/// <summary>
/// What every check works with: the cluster's plan and the nodes the doctor could log in to, with a way
/// to run a script on each (as root, through GridSpan's own SSH client and jump hosts).
/// </summary>
public sealed class DoctorContext
{
    /// <summary>At most this many nodes are asked at once, so a large cluster does not open thousands of connections.</summary>
    public const int Parallelism = 16;

    private readonly ClusterWorkspace _cluster;
    private readonly ImmutableDictionary<string, SshTarget> _targets;
    private readonly HashSet<string> _reachable;

    public DoctorContext(ClusterWorkspace cluster, ImmutableDictionary<string, SshTarget> targets, ImmutableArray<NodePlan> reachable)
    {
        _cluster = cluster ?? throw new ArgumentNullException(nameof(cluster));
        _targets = targets ?? throw new ArgumentNullException(nameof(targets));
        Nodes = reachable;
        _reachable = reachable.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
    }

    public ClusterPlan Plan => _cluster.Plan;

    /// <summary>The opened cluster, for what checks need beyond the plan (the VPN peers' keys).</summary>
    public ClusterWorkspace Cluster => _cluster;

    /// <summary>The nodes that exist and answered; a check looks at these only.</summary>
    public ImmutableArray<NodePlan> Nodes { get; }

    public bool IsReachable(string node) => _reachable.Contains(node);

    public Task<CommandResult> RunAsync(string node, string script, CancellationToken cancellationToken, string? standardInput = null) =>
        _cluster.Transport.Session(_targets[node]).RunAsync(script, standardInput, cancellationToken);

    /// <summary>Runs <paramref name="examine"/> for each item (a node, a pair of nodes), a few at a time, and gathers the findings in the items' order.</summary>
    public static async Task<IReadOnlyList<DoctorFinding>> ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, Task<IEnumerable<DoctorFinding>>> examine,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(examine);
        var list = items.ToList();
        var results = new ConcurrentDictionary<int, IEnumerable<DoctorFinding>>();
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (index, token) => results[index] = (await examine(list[index], token).ConfigureAwait(false)).ToList()).ConfigureAwait(false);
        return [.. Enumerable.Range(0, list.Count).SelectMany(i => results[i])];
    }
}
