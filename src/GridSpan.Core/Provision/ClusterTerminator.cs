using System.Collections.Immutable;
using GridSpan.Common;

namespace GridSpan.Provision;

/// <summary>
/// Deletes every resource tagged with a cluster's id in every site, kind by kind in dependency
/// order (<see cref="ResourceKind"/>: floating addresses, servers, ports, ..., key pairs), all of a
/// kind at once, then lists again to prove nothing is left, and revokes the credentials issued to the
/// cluster's master. Works from the clouds alone, so it also removes what a failed or interrupted
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
            foreach (var kind in Enum.GetValues<ResourceKind>())
            {
                var ofKind = found.Where(f => f.Resource.Kind == kind).ToList();
                await Task.WhenAll(ofKind.Select(async f =>
                {
                    await providers[f.Site].DeleteAsync(f.Resource, cancellationToken).ConfigureAwait(false);
                    progress?.Report(new ProvisionEvent(f.Site, kind, f.Resource.Name, ProvisionAction.Deleted));
                })).ConfigureAwait(false);
                deleted.AddRange(ofKind);
            }
        }
    }

    /// <summary>
    /// Every tagged resource of the cluster across its sites, each once (sites of one cloud, such as the
    /// local cloud's, list the same resources).
    /// </summary>
    public static async Task<ImmutableArray<(string Site, CloudResource Resource)>> ListAsync(
        string clusterId, IReadOnlyDictionary<string, ISiteProvider> providers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var lists = await Task.WhenAll(providers.Select(async p => (Site: p.Key, Resources: await p.Value.ListAsync(clusterId, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);
        var seen = new HashSet<(ResourceKind, string)>();
        var all = new List<(string, CloudResource)>();
        foreach (var (site, resources) in lists)
        {
            foreach (var resource in resources.Where(r => r.ClusterId == clusterId && seen.Add((r.Kind, r.Id))))
            {
                all.Add((site, resource));
            }
        }
        return [.. all];
    }
}
