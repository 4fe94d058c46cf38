using System.Collections.Immutable;

namespace GridSpan.Cluster;

/// <summary>
/// What GridSpan keeps about a cluster on this machine besides its plan and secrets: the id its
/// resources are tagged with, the configuration it came from, and the facts learnt while creating
/// it. The clouds stay the source of truth for what exists; these facts only save asking again.
/// </summary>
/// <param name="ClusterId">The tag of every resource: the name and a random suffix, unique per cluster.</param>
/// <param name="SourceFile">The cluster.yaml it was created from (absolute); a copy is kept beside the state.</param>
/// <param name="Nodes">Facts per created node, by node name.</param>
public sealed record ClusterState(
    int FormatVersion,
    string Name,
    string ClusterId,
    string SourceFile,
    ImmutableSortedDictionary<string, NodeFacts> Nodes)
{
    public const int CurrentFormatVersion = 1;

    public static ClusterState New(string name, string sourceFile, string suffix) =>
        new(CurrentFormatVersion, name, $"{name}-{suffix}", sourceFile, ImmutableSortedDictionary<string, NodeFacts>.Empty);
}

/// <summary>One created node as provisioning found it.</summary>
/// <param name="Address">The fixed address in its site.</param>
/// <param name="PublicAddress">The floating (public) address of the master and gateways.</param>
/// <param name="HostKeys">Host keys the cloud reported, pinned beside the node's pre-generated one.</param>
/// <param name="Probe">What the node runs (found once per server), or null before it was probed.</param>
/// <param name="ConvergedBundle">The hash of the bundle the node last converged to (<see cref="BundleHash"/>), or null.</param>
public sealed record NodeFacts(
    string Site,
    string ServerId,
    string Address,
    string? PublicAddress,
    ImmutableArray<string> HostKeys,
    NodeProbe? Probe,
    string? ConvergedBundle = null);

/// <summary>Facts read from a running node that decide how it is rendered (see <see cref="NodeProber"/>).</summary>
/// <param name="SlurmVersion">major.minor of the installed Slurm, e.g. 22.05.</param>
/// <param name="KernelNfs">The kernel has an NFS client.</param>
/// <param name="KernelWireGuard">The kernel has WireGuard.</param>
/// <param name="Container">The node is a container (no cgroup control, the host's uptime).</param>
public sealed record NodeProbe(string SlurmVersion, bool KernelNfs, bool KernelWireGuard, bool Container);
