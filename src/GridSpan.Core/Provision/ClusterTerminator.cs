using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Config;

namespace GridSpan.Provision;

/// <summary>
/// Deletes every resource tagged with a cluster's id in every site: first every node's (each through
/// <see cref="NodeResources.RemoveAsync"/>, all nodes at once), then the sites' own kind by kind in
/// dependency order (<see cref="ResourceKind"/>: routers, subnets, networks, security groups, key
/// pairs), all of a kind at once; then lists again to prove nothing is left, revokes the
/// credentials issued to the cluster's master and releases what held the resources of each site. Works from the clouds alone, so it also removes what a failed or interrupted
/// create left behind.
/// </summary>
public sealed class ClusterTerminator
{
    /// <summary>Deletion rounds before giving up on resources that stay (a cloud still detaching a port).</summary>
    public int Rounds { get; init; } = 3;

    /// <returns>What was deleted, with the site it was found in.</returns>
    public async Task<ImmutableArray<(string Site, CloudResource Resource)>> TerminateAsync(
        string clusterId,
        IReadOnlyDictionary<string, ISiteProvider> providers,
        IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var deleted = new List<(string, CloudResource)>();
        for (var round = 0; ; round++)
        {
            var found = await ListAsync(clusterId, providers, cancellationToken).ConfigureAwait(false);
            if (found.IsEmpty)
            {
                foreach (var provider in providers.Values.Distinct())
                {
                    await provider.RevokeMasterCredentialsAsync(clusterId, cancellationToken).ConfigureAwait(false);
                    await provider.ReleaseSiteAsync(clusterId, cancellationToken).ConfigureAwait(false);
                }
                return [.. deleted];
            }
            if (round == Rounds)
            {
                throw GridSpanException.Failed(
                    $"cluster {clusterId}: {found.Length} resource(s) are still there after {Rounds} rounds of deleting: " +
                    string.Join(", ", found.Select(f => $"{f.Resource.Kind} {f.Resource.Name} ({f.Resource.Id}) in site '{f.Site}'")),
                    "run `gridspan terminate` again; if they stay, delete them in the cloud's own console");
            }
            var nodes = found.Where(f => NodeResources.Kinds.Contains(f.Resource.Kind)).ToList();
            await RemoveNodesAsync(clusterId, nodes, providers, progress, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(found.Except(nodes).ToList(), providers, progress, cancellationToken).ConfigureAwait(false);
            deleted.AddRange(found);
        }
    }

    /// <summary>
    /// Removes the nodes that own <paramref name="resources"/> (listed before: their floating addresses,
    /// servers and ports), every node at once, each through <see cref="NodeResources.RemoveAsync"/>.
    /// </summary>
    public static async Task RemoveNodesAsync(
        string clusterId,
        IReadOnlyCollection<(string Site, CloudResource Resource)> resources,
        IReadOnlyDictionary<string, ISiteProvider> providers,
        IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(providers);
        await Task.WhenAll(resources.GroupBy(f => (f.Site, f.Resource.Name)).Select(node =>
            new NodeResources(providers[node.Key.Site], node.Key.Site, clusterId)
                .RemoveAsync(node.Key.Name, [.. node.Select(f => f.Resource)], progress, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Deletes resources kind by kind in dependency order (<see cref="ResourceKind"/>), all of a kind at once.</summary>
    private static async Task DeleteAsync(
        IReadOnlyCollection<(string Site, CloudResource Resource)> resources,
        IReadOnlyDictionary<string, ISiteProvider> providers,
        IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(providers);
        foreach (var kind in Enum.GetValues<ResourceKind>())
        {
            await Task.WhenAll(resources.Where(f => f.Resource.Kind == kind).Select(async f =>
            {
                await providers[f.Site].DeleteAsync(f.Resource, cancellationToken).ConfigureAwait(false);
                progress?.Report(new ProvisionEvent(f.Site, kind, f.Resource.Name, ProvisionAction.Deleted));
            })).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every tagged resource of the cluster across its sites, each once. Sites of one cloud, such as the
    /// local cloud's, all list the same resources: each is given to the site its name names (a node's,
    /// a network's), else to the first site that listed it.
    /// </summary>
    public static async Task<ImmutableArray<(string Site, CloudResource Resource)>> ListAsync(
        string clusterId, IReadOnlyDictionary<string, ISiteProvider> providers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var lists = await Task.WhenAll(providers.Select(async p => (Site: p.Key, Resources: await p.Value.ListAsync(clusterId, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);
        var cluster = ClusterIds.NameOf(clusterId);
        return [.. lists
            .SelectMany(list => list.Resources.Where(r => r.ClusterId == clusterId).Select(r => (list.Site, Resource: r)))
            .GroupBy(found => (found.Resource.Kind, found.Resource.Id))
            .Select(listers =>
            {
                var named = NodeNames.SiteOf(cluster, listers.First().Resource.Name, listers.Select(l => l.Site));
                return listers.FirstOrDefault(l => l.Site == named, listers.First());
            })];
    }
}
