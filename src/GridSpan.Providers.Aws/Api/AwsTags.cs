using Amazon.EC2;
using Amazon.EC2.Model;

namespace GridSpan.Providers.Aws.Api;

/// <summary>
/// How GridSpan marks what it creates in EC2: the tag `gridspan-cluster` holds the cluster's id (one key,
/// so IAM conditions and filters can name it), `Name` the resource's name within the cluster.
/// </summary>
internal static class AwsTags
{
    public const string ClusterKey = "gridspan-cluster";

    public const string NameKey = "Name";

    /// <summary>The tags a resource gets at creation, in the same call that creates it.</summary>
    public static List<TagSpecification> At(ResourceType type, string clusterId, string name, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ClusterKey] = clusterId,
            [NameKey] = name,
        };
        foreach (var (key, value) in extra ?? [])
        {
            tags.TryAdd(key, value);
        }
        return [new TagSpecification { ResourceType = type, Tags = [.. tags.Select(t => new Tag(t.Key, t.Value))] }];
    }

    /// <summary>Filters for what carries the cluster's tag (and, when given, the name).</summary>
    public static List<Filter> Of(string clusterId, string? name = null)
    {
        List<Filter> filters = [new Filter($"tag:{ClusterKey}", [clusterId])];
        if (name is not null)
        {
            filters.Add(new Filter($"tag:{NameKey}", [name]));
        }
        return filters;
    }

    public static string? Value(IEnumerable<Tag>? tags, string key) => tags?.FirstOrDefault(t => t.Key == key)?.Value;

    public static string NameOf(IEnumerable<Tag>? tags, string fallback) => Value(tags, NameKey) ?? fallback;
}
