using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>
/// The parts of a node's server that create and elastic resume share: the key pair's name, the
/// request with the cluster's tags, and the wait until the server is active.
/// </summary>
public static class NodeServers
{
    /// <summary>The cluster's key pair in a site.</summary>
    public static string KeyPairName(string clusterId, string site) => $"{clusterId}-{site}";

    /// <summary>The server of a node, tagged with its cluster, name, role and site.</summary>
    public static ServerRequest Request(string clusterId, NodePlan node, string portId, string? userData)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new ServerRequest(node.Name, clusterId, node.Image, node.Flavor, portId, KeyPairName(clusterId, node.Site), userData,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["gridspan-cluster"] = clusterId,
                ["gridspan-node"] = node.Name,
                ["gridspan-role"] = node.Role.ToString().ToLowerInvariant(),
                ["gridspan-site"] = node.Site,
            }));
    }

    /// <summary>
    /// Waits until the node's server is active; fails at once when it failed or disappeared. <paramref name="again"/>
    /// says how the user tries again (create: "run `gridspan create` again"; resume: Slurm does), for the fixes.
    /// </summary>
    public static Task<ServerInfo> WaitActiveAsync(ISiteProvider provider, NodePlan node, string serverId, TimeSpan timeout, TimeSpan interval,
        string again, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(node);
        return Wait.UntilAsync(async token =>
        {
            var server = await provider.GetServerAsync(serverId, token).ConfigureAwait(false)
                ?? throw GridSpanException.Provider(node.Site, $"server {node.Name} ({serverId}) disappeared while it was being created",
                    $"{again} to create it anew");
            return server.Status switch
            {
                ServerStatus.Active => server,
                ServerStatus.Error => throw GridSpanException.Provider(node.Site, $"server {node.Name} failed to start: {server.Fault ?? "no reason given"}",
                    $"fix the cause (image '{node.Image}', flavor '{node.Flavor}'), then {again}"),
                _ => null,
            };
        }, interval, timeout, () => GridSpanException.Provider(node.Site, $"server {node.Name} did not become active within {timeout.TotalSeconds:0} s",
            $"check the site's capacity, then {again}: it continues where it stopped"), time, cancellationToken);
    }
}
