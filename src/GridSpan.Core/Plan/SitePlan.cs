using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;

namespace GridSpan.Plan;

/// <summary>One site: its network, its VPN node, its worker groups and the routes of its workers.</summary>
/// <param name="SubnetChosen">True when the planner chose the subnet (the user gave none).</param>
/// <param name="VpnNode">The master (first site) or the site's gateway.</param>
/// <param name="VpnAddress">The VPN node's address in the subnet: every other node's next hop to the rest of the cluster.</param>
/// <param name="ReservedFirst">The first address the plan gives to a node; addresses below it are left to the cloud (router, DHCP).</param>
/// <param name="ReservedLast">The last address the plan gives to a node; a cloud's DHCP pool must not include ReservedFirst..ReservedLast.</param>
/// <param name="OnDemandFirst">The first address reserved for on-demand nodes, or null when the site has none.</param>
/// <param name="OnDemandLast">The last address reserved for on-demand nodes, or null when the site has none.</param>
/// <param name="WorkerRoutes">Routes every node of the site except its VPN node installs.</param>
/// <param name="Runtime">What the site's nodes run on, as its provider says.</param>
/// <param name="BootDataWithoutSecrets">True when the site's boot data must carry no secret (<see cref="ProviderSiteSettings.BootDataMayHoldSecrets"/>).</param>
public sealed record SitePlan(
    string Name,
    string Provider,
    IPNetwork Subnet,
    bool SubnetChosen,
    int Mtu,
    string VpnNode,
    IPAddress VpnAddress,
    IPAddress ReservedFirst,
    IPAddress ReservedLast,
    IPAddress? OnDemandFirst,
    IPAddress? OnDemandLast,
    ImmutableArray<GroupPlan> Groups,
    ImmutableArray<RoutePlan> WorkerRoutes,
    NodeRuntime Runtime = NodeRuntime.VirtualMachine,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    bool BootDataWithoutSecrets = false);

/// <summary>A worker group of a site.</summary>
/// <param name="StaticNodes">The always-on nodes as a Slurm hostlist ("" when none).</param>
/// <param name="OnDemandNodes">The on-demand nodes as a Slurm hostlist ("" when none).</param>
public sealed record GroupPlan(
    string Name,
    string Partition,
    string Flavor,
    string Image,
    int Cpus,
    long MemoryMiB,
    ImmutableArray<string> Features,
    int Count,
    int OnDemand,
    string StaticNodes,
    string OnDemandNodes);
