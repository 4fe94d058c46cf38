using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;

namespace GridSpan.Elastic;

public sealed partial class ElasticNodes
{
    /// <summary>
    /// Where a new on-demand node's port goes: the site's network (made by `create`; missing only when
    /// someone deleted it) and the site's worker security group, made here when the site has no static worker.
    /// </summary>
    private async Task<NodePlacement> PlacementAsync(NodePlan node, IReadOnlyCollection<CloudResource> listed, CancellationToken cancellationToken)
    {
        var networkName = ResourceNames.Network(cluster.Plan, node.Site);
        var networkId = listed.FirstOrDefault(r => r.Kind == ResourceKind.Network && r.Name == networkName)?.Id
            ?? throw GridSpanException.Provider(node.Site, $"the network {networkName} of the cluster is missing",
                "run `gridspan create` again to restore the cluster's resources");
        return new NodePlacement(networkId, await EnsureWorkerGroupAsync(cluster.Providers[node.Site], node.Site, listed, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The worker security group of a site; created (once, under a lock) when the site has no static worker.</summary>
    private async Task<string> EnsureWorkerGroupAsync(ISiteProvider provider, string site, IReadOnlyCollection<CloudResource> listed, CancellationToken cancellationToken)
    {
        var name = ResourceNames.SecurityGroup(cluster.Plan, site, NodeRole.Worker);
        if (listed.FirstOrDefault(r => r.Kind == ResourceKind.SecurityGroup && r.Name == name) is { } found)
        {
            return found.Id;
        }
        var gate = _siteLocks.GetOrAdd(site, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var held = await NodeLock.AcquireAsync(cluster.LockDirectory, $"site-{site}", "security group", LockWait, cancellationToken).ConfigureAwait(false);
            var now = await provider.ListAsync(cluster.Context.ClusterId, cancellationToken).ConfigureAwait(false);
            if (now.FirstOrDefault(r => r.Kind == ResourceKind.SecurityGroup && r.Name == name) is { } made)
            {
                return made.Id;
            }
            return (await provider.CreateSecurityGroupAsync(new SecurityGroupRequest(name, cluster.Context.ClusterId,
                cluster.Plan.Firewall.For(NodeRole.Worker)), cancellationToken).ConfigureAwait(false)).Id;
        }
        finally
        {
            gate.Release();
        }
    }
}
