using System.Collections.Immutable;
using System.Net;

namespace GridSpan.Plan;

/// <summary>One node of the cluster, static or on demand.</summary>
/// <param name="Group">The worker group, or null for the master and gateways.</param>
/// <param name="OnDemand">True when Slurm creates and deletes the node (a CLOUD node).</param>
/// <param name="Address">The node's fixed address in its site's subnet (on-demand nodes too).</param>
/// <param name="OverlayAddress">The node's address on the VPN overlay (master and gateways of a multi-site cluster).</param>
/// <param name="RunsJobs">True when slurmd runs on the node (workers, and the master when it computes).</param>
public sealed record NodePlan(
    string Name,
    NodeRole Role,
    string Site,
    string? Group,
    bool OnDemand,
    string Flavor,
    string Image,
    int Cpus,
    long MemoryMiB,
    ImmutableArray<string> Features,
    IPAddress Address,
    IPAddress? OverlayAddress,
    bool RunsJobs)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsVpnNode => OverlayAddress is not null;

    /// <summary>The node's address on the vxlan overlay's switched segment (every node, the switch too), or null under another overlay.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IPAddress? SwitchedAddress { get; init; }

    /// <summary>Where the other nodes reach this one (DNS, Slurm, shares): on the switched segment under vxlan, so that traffic crosses the switch; its site address otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IPAddress ClusterAddress => SwitchedAddress ?? Address;
}
