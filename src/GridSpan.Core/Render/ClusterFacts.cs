using System.Collections.Immutable;

namespace GridSpan.Render;

/// <summary>
/// What provisioning learns that the plan cannot know: the public address (or host name) each VPN
/// node's peers reach it at. Without one, a wg0.conf has no Endpoint for that peer; the tunnel
/// still comes up when the other side knows the endpoint, but `render` before `create` knows none.
/// </summary>
public sealed record ClusterFacts(ImmutableSortedDictionary<string, string> PublicEndpoints)
{
    public static ClusterFacts None { get; } = new(ImmutableSortedDictionary<string, string>.Empty);
}
