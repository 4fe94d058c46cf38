namespace GridSpan.Provision;

/// <summary>Cluster ids are the cluster's name and a random suffix (made by Cluster.ClusterState.New).</summary>
public static class ClusterIds
{
    /// <summary>"demo-1a2b3c" → "demo"; an id without a suffix is its own name.</summary>
    public static string NameOf(string clusterId)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var dash = clusterId.LastIndexOf('-');
        return dash > 0 ? clusterId[..dash] : clusterId;
    }
}
