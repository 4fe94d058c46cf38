using System.Collections.Immutable;

namespace GridSpan.Plan;

/// <summary>
/// Every decision about a cluster that can be made without a cloud: names, addresses, routes, MTUs,
/// Slurm topology, DNS, storage, firewall and the secrets needed. Made by <see cref="Planner"/>;
/// pure data, serialised deterministically by <see cref="PlanJson"/>.
/// </summary>
/// <param name="Domain">The cluster's DNS domain, e.g. demo.gridspan.</param>
/// <param name="User">The cluster user (jobs, passwordless SSH between nodes); GridSpan itself logs in as root or its own account.</param>
/// <param name="UserPublicKeys">The user's public keys, authorised on every node.</param>
/// <param name="Nodes">Every node: master, gateways, static and on-demand workers, by site.</param>
/// <param name="Warnings">Things the planner assumed (an unknown flavor's size, ...).</param>
public sealed record ClusterPlan(
    int FormatVersion,
    string Name,
    string Domain,
    string User,
    ImmutableArray<string> UserPublicKeys,
    string Master,
    ImmutableArray<SitePlan> Sites,
    ImmutableArray<NodePlan> Nodes,
    OverlayPlan Overlay,
    SlurmPlan Slurm,
    ImmutableArray<DnsRecord> Dns,
    StoragePlan Storage,
    FirewallPlan Firewall,
    ImmutableArray<SecretRequirement> Secrets,
    ImmutableArray<string> Warnings)
{
    public const int CurrentFormatVersion = 1;

    /// <summary>The cluster user's uid and gid on every node (unless it is root): files on the shares belong to the same user everywhere.</summary>
    public const int UserId = 2000;

    /// <summary>Whether the cluster user (never root) gets passwordless sudo on every node: ssh.sudo.</summary>
    public bool UserSudo { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public NodePlan MasterNode => Nodes.First(n => n.Role == NodeRole.Master);

    public SitePlan Site(string name) => Sites.First(s => s.Name == name);

    /// <summary>The node of that name, or null (e.g. a name Slurm passed that the plan does not know).</summary>
    public NodePlan? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);
}
