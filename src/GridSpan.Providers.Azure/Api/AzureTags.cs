using System.Text.Json.Nodes;

namespace GridSpan.Providers.Azure.Api;

/// <summary>
/// How GridSpan marks what it creates in Azure: the tag `gridspan-cluster` holds the cluster's id, given in the PUT that
/// creates the resource; listing asks ARM for what carries it.
/// </summary>
internal static class AzureTags
{
    public const string ClusterKey = "gridspan-cluster";

    public static JsonObject Of(string clusterId, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var tags = new JsonObject { [ClusterKey] = clusterId };
        foreach (var (key, value) in extra ?? [])
        {
            tags.TryAdd(key, value);
        }
        return tags;
    }

    /// <summary>ARM's filter of a resource list for what carries the cluster's tag.</summary>
    public static string Filter(string clusterId) => $"tagName eq '{ClusterKey}' and tagValue eq '{clusterId}'";

    public static string? ClusterOf(JsonNode? resource) => resource?["tags"]?[ClusterKey]?.GetValue<string>();
}
