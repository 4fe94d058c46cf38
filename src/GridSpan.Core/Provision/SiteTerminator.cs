using System.Collections.Immutable;
using GridSpan.Common;

namespace GridSpan.Provision;

/// <summary>
/// Deletes everything a site holds for a cluster, found by its tag: kind by kind in
/// <see cref="ResourceKind"/> order (floating IPs, servers, ports, routers, subnets, networks,
/// security groups, key pairs), the resources of one kind in parallel; then lists again and fails
/// when anything is left.
/// </summary>
public static class SiteTerminator
{
    /// <returns>What was deleted.</returns>
    public static async Task<ImmutableArray<CloudResource>> TerminateAsync(
        ISiteProvider provider, string siteName, string clusterId, CancellationToken cancellationToken, int parallelism = 8)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var found = await provider.ListAsync(clusterId, cancellationToken).ConfigureAwait(false);
        foreach (var kind in found.GroupBy(r => r.Kind).OrderBy(g => g.Key))
        {
            await Parallel.ForEachAsync(kind, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (resource, ct) => await provider.DeleteAsync(resource, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        var left = await provider.ListAsync(clusterId, cancellationToken).ConfigureAwait(false);
        if (!left.IsEmpty)
        {
            throw GridSpanException.Provider(siteName,
                $"{left.Length} resource(s) of cluster '{clusterId}' are still there after terminate: " +
                string.Join(", ", left.Select(r => $"{r.Kind} {r.Name} ({r.Id})")),
                "run terminate again; if they stay, delete them by hand and tell us what kept them");
        }
        return found;
    }
}
