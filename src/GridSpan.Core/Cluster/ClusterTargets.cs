using System.Collections.Immutable;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Secrets;

namespace GridSpan.Cluster;

/// <summary>
/// How GridSpan's SSH client reaches each created node: the master and gateways at their public
/// addresses, every worker at its site address through its own site's VPN node (the master in the
/// first site, the gateway elsewhere). Host keys pinned: the node's pre-generated key and whatever
/// the cloud reported. GridSpan logs in as root, except on VMs whose cluster user is an ordinary
/// user: there it logs in as its own sudo account (<see cref="Render.CloudInitRenderer.AdminUser"/>).
/// </summary>
public static class ClusterTargets
{
    public static ImmutableDictionary<string, SshTarget> Build(ClusterPlan plan, ClusterState state, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(secrets);
        var targets = new Dictionary<string, SshTarget>(StringComparer.Ordinal);
        SshTarget Direct(NodePlan node, NodeFacts facts, string address) =>
            SshTarget.Direct(node.Name, address, new[] { secrets.HostKeys[node.Name].PublicKey }.Concat(facts.HostKeys).Distinct(StringComparer.Ordinal),
                LoginUser(plan, node));
        foreach (var node in plan.Nodes.Where(n => n.Role != NodeRole.Worker))
        {
            if (state.Nodes.TryGetValue(node.Name, out var facts) && facts.PublicAddress is { } address)
            {
                targets[node.Name] = Direct(node, facts, address);
            }
        }
        foreach (var node in plan.Nodes.Where(n => n.Role == NodeRole.Worker))
        {
            if (state.Nodes.TryGetValue(node.Name, out var facts) && targets.TryGetValue(plan.Site(node.Site).VpnNode, out var jump))
            {
                targets[node.Name] = Direct(node, facts, facts.Address).Via(jump);
            }
        }
        return targets.ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <summary>The user GridSpan logs in as on a node (it runs everything as root, through sudo for other users).</summary>
    public static string LoginUser(ClusterPlan plan, NodePlan node)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        return plan.Site(node.Site).Runtime == Config.NodeRuntime.Container || plan.User == "root" ? "root" : Render.CloudInitRenderer.AdminUser;
    }
}
