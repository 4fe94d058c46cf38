using System.Collections.Immutable;
using System.Net;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>Where a node's port goes: its site's network and the security group of its role.</summary>
public sealed record NodePlacement(string NetworkId, string SecurityGroupId);

/// <summary>
/// What a node's cloud resources are made from (<see cref="NodeResources.EnsureAsync"/>).
/// </summary>
/// <param name="Forwards">Ranges its port may send from besides its own address (a VPN node forwards other sites' traffic).</param>
/// <param name="PublicAddress">Whether it gets a floating address (the master and the gateways, the VPN's endpoints).</param>
/// <param name="UserData">Its first-boot user data.</param>
/// <param name="Placement">Where its port goes; asked only when the port does not exist yet.</param>
public sealed record NodeRequest(
    NodePlan Node,
    ImmutableArray<IPNetwork> Forwards,
    bool PublicAddress,
    string? UserData,
    Func<CancellationToken, Task<NodePlacement>> Placement)
{
    /// <summary>The request for a node of a plan: the plan says what its port forwards and whether it is a VPN endpoint.</summary>
    public static NodeRequest For(ClusterPlan plan, NodePlan node, string? userData, Func<CancellationToken, Task<NodePlacement>> placement)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        return new NodeRequest(node, plan.Overlay.Members.FirstOrDefault(m => m.Node == node.Name)?.AllowedAddressPairs ?? [],
            node.Role is NodeRole.Master or NodeRole.Gateway or NodeRole.Switch, userData, placement);
    }
}
