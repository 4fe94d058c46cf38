using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>
/// The names GridSpan gives a site's shared resources, by which create and the master's hooks find
/// them again (with the cluster's tag). A node's own resources (port, server, public address) carry
/// the node's name.
/// </summary>
public static class ResourceNames
{
    /// <summary>The site's network (with its subnet and router).</summary>
    public static string Network(ClusterPlan plan, string site)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"{plan.Name}-{site}";
    }

    /// <summary>The security group of a role in a site.</summary>
    public static string SecurityGroup(ClusterPlan plan, string site, NodeRole role)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"{plan.Name}-{site}-{role.ToString().ToLowerInvariant()}";
    }

    /// <summary>The cluster's key pair in a site.</summary>
    public static string KeyPair(string clusterId, string site) => $"{clusterId}-{site}";
}
