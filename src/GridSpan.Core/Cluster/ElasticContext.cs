using System.Collections.Immutable;
using System.Text.Json.Serialization;
using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Cluster;

/// <summary>
/// What the master needs besides the plan, the configuration and the secrets to create an on-demand
/// node by itself: the cluster's id (every resource is tagged with it), what `create` learnt about
/// the running nodes (their probes choose how a sibling is rendered) and the VPN nodes' public
/// addresses. Only facts that stay the same while the cluster runs, so the master's bundle is stable.
/// </summary>
public sealed record ElasticContext(
    string ClusterName,
    string ClusterId,
    ImmutableSortedDictionary<string, NodeProbe> Probes,
    ImmutableSortedDictionary<string, string> PublicAddresses)
{
    public const string FileName = "elastic.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ElasticContext Of(ClusterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new ElasticContext(state.Name, state.ClusterId,
            state.Nodes.Where(n => n.Value.Probe is not null).ToImmutableSortedDictionary(n => n.Key, n => n.Value.Probe!, StringComparer.Ordinal),
            state.Nodes.Where(n => n.Value.PublicAddress is not null).ToImmutableSortedDictionary(n => n.Key, n => n.Value.PublicAddress!, StringComparer.Ordinal));
    }

    public string Serialize() => JsonSerializer.Serialize(this, Json) + "\n";

    public static ElasticContext Deserialize(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ElasticContext>(json, Json) ?? throw new JsonException("the document is null");
        }
        catch (JsonException failure)
        {
            throw GridSpanException.Failed($"{path} is damaged: {failure.Message}", "run `gridspan create` again from the machine that created the cluster");
        }
    }
}
