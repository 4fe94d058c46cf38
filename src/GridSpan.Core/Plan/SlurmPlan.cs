using System.Collections.Immutable;

namespace GridSpan.Plan;

/// <summary>What slurm.conf declares: the controller, node sets, partitions and power saving.</summary>
/// <param name="StaticNodes">Every always-on slurmd node as one hostlist: excluded from power saving.</param>
/// <param name="CloudNodes">Every on-demand node as one hostlist (State=CLOUD).</param>
public sealed record SlurmPlan(
    string ClusterName,
    string Controller,
    int SuspendTime,
    int ResumeTimeout,
    string StaticNodes,
    string CloudNodes,
    ImmutableArray<SlurmNodeSet> NodeSets,
    ImmutableArray<PartitionPlan> Partitions);

/// <summary>One NodeName= line: nodes of one group that are all static or all on demand.</summary>
/// <param name="RealMemoryMiB">Memory Slurm may hand to jobs: the flavor's memory minus a reserve for the system.</param>
public sealed record SlurmNodeSet(string Nodes, string Site, string? Group, bool Cloud, int Cpus, long RealMemoryMiB, ImmutableArray<string> Features);

/// <param name="Nodes">The partition's nodes as a hostlist.</param>
/// <param name="Site">The site of a site or group partition; null for `all`.</param>
/// <param name="Group">The worker group of a group partition; null otherwise.</param>
public sealed record PartitionPlan(string Name, string Nodes, bool IsDefault, string? Site, string? Group);
