using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Render;

namespace GridSpan.Elastic;

public sealed partial class ElasticNodes
{
    /// <summary>Finds or creates the node's port and server, waits until it is active, and converges it to its bundle.</summary>
    private async Task<bool> BringUpAsync(NodePlan node, CancellationToken cancellationToken)
    {
        var provider = cluster.Providers[node.Site];
        var resources = await provider.ListAsync(cluster.Context.ClusterId, cancellationToken).ConfigureAwait(false);
        var serverId = resources.FirstOrDefault(r => r.Kind == ResourceKind.Server && r.Name == node.Name)?.Id;
        var portId = resources.FirstOrDefault(r => r.Kind == ResourceKind.Port && r.Name == node.Name)?.Id;
        if (serverId is not null)
        {
            var existing = await provider.GetServerAsync(serverId, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.Status == ServerStatus.Error)
            {
                await provider.DeleteAsync(new CloudResource(ResourceKind.Server, serverId, node.Name, cluster.Context.ClusterId), cancellationToken).ConfigureAwait(false);
                cluster.Log.Write("resume", node.Name, $"deleted its server {serverId}: {existing?.Fault ?? "gone"}");
                serverId = null;
            }
        }
        if (portId is null)
        {
            var networkId = resources.FirstOrDefault(r => r.Kind == ResourceKind.Network && r.Name == ClusterProvisioner.NetworkName(cluster.Plan, node.Site))?.Id
                ?? throw GridSpanException.Provider(node.Site, $"the network {ClusterProvisioner.NetworkName(cluster.Plan, node.Site)} of the cluster is missing",
                    "run `gridspan create` again to restore the cluster's resources");
            var groupId = await EnsureWorkerGroupAsync(provider, node.Site, resources, cancellationToken).ConfigureAwait(false);
            portId = (await provider.CreatePortAsync(new PortRequest(node.Name, cluster.Context.ClusterId, networkId, node.Address, [groupId], []),
                cancellationToken).ConfigureAwait(false)).Id;
        }
        if (serverId is null)
        {
            var runtime = ClusterCreator.OptionsFor(cluster.Plan, node, cluster.Context.Probes).Runtime;
            serverId = (await provider.CreateServerAsync(NodeServers.Request(cluster.Context.ClusterId, node, portId,
                CloudInitRenderer.Render(cluster.Plan, node, cluster.Secrets, runtime)), cancellationToken).ConfigureAwait(false)).Id;
            cluster.Log.Write("resume", node.Name, $"created server {serverId} in site {node.Site}");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var server = await NodeServers.WaitActiveAsync(provider, node, serverId, ActiveTimeout, PollInterval, "let Slurm resume the node again (it does when jobs wait)", Time, cancellationToken).ConfigureAwait(false);
        cluster.Log.Write("resume", node.Name, $"server {serverId} active after {clock.Elapsed.TotalSeconds:0.0} s");
        var target = TargetOf(node, server.HostKeys);
        var probes = cluster.Context.Probes;
        var renderer = new ClusterRenderer(cluster.Plan, cluster.Secrets, new ClusterFacts(cluster.Context.PublicAddresses
                .Where(a => cluster.Plan.Overlay.Members.Any(m => m.Node == a.Key)).ToImmutableSortedDictionary(StringComparer.Ordinal)),
            n => ClusterCreator.OptionsFor(cluster.Plan, n, probes));
        var configurator = new ClusterConfigurator(cluster.Connector, new NodeConverger(new ConvergeOptions { HealthChecks = [new MungeHealthCheck()] }))
        {
            ConnectWait = ConnectWait,
        };
        await WaitForSshAsync(target, cancellationToken).ConfigureAwait(false);
        cluster.Log.Write("resume", node.Name, $"SSH answers after {clock.Elapsed.TotalSeconds:0.0} s");
        var bundle = renderer.Render(node.Name).Bundle;
        // A burst of new nodes can briefly overwhelm what they all use at once (the master's sshd for the shares):
        // converging is idempotent, so a failure that says it may pass is tried again before the node is given up.
        var attempt = 0;
        return await Wait.RetryTransientAsync(async token =>
        {
            attempt++;
            var result = await configurator.ConfigureAsync([new NodeAssignment(bundle, target)], new ConvergeStepLog(cluster.Log), token).ConfigureAwait(false);
            result.EnsureSuccess();
            return result.Changed || attempt > 1;
        }, TimeSpan.FromSeconds(1), ConvergeRetryTimeout, Time, cancellationToken,
            failure => cluster.Log.Write("resume", node.Name, $"configuring failed (attempt {attempt}), again: {failure.Message.Split('\n')[0]}")).ConfigureAwait(false);
    }

    /// <summary>
    /// How the master reaches a new node: directly in its own site; elsewhere through the site's
    /// gateway (at its site address, routed through the tunnel), because a new worker has no route
    /// back to other sites until it is configured.
    /// </summary>
    private SshTarget TargetOf(NodePlan node, ImmutableArray<string> reportedHostKeys)
    {
        SshTarget Direct(NodePlan n, IEnumerable<string> extra) => SshTarget.Direct(n.Name, n.Address.ToString(),
            new[] { cluster.Secrets.HostKeys[n.Name].PublicKey }.Concat(extra).Distinct(StringComparer.Ordinal), ClusterTargets.LoginUser(cluster.Plan, n));
        var target = Direct(node, reportedHostKeys);
        var vpn = cluster.Plan.Site(node.Site).VpnNode;
        return vpn == cluster.Plan.Master ? target : target.Via(Direct(cluster.Plan.FindNode(vpn)!, []));
    }

    /// <summary>
    /// Waits until the new node runs commands over SSH. Its sshd answers early in boot, while logins
    /// may still wait for the rest of the system, so a slow first command is retried, not a failure.
    /// </summary>
    private async Task WaitForSshAsync(SshTarget target, CancellationToken cancellationToken)
    {
        await Wait.RetryTransientAsync(token => cluster.Connector.ConnectAsync(target, ConnectWait, token), TimeSpan.FromMilliseconds(300), ConnectWait,
            Time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The worker security group of a site; created (once, under a lock) when the site has no static worker.</summary>
    private async Task<string> EnsureWorkerGroupAsync(ISiteProvider provider, string site, ImmutableArray<CloudResource> resources, CancellationToken cancellationToken)
    {
        var name = ClusterProvisioner.SecurityGroupName(cluster.Plan, site, NodeRole.Worker);
        if (resources.FirstOrDefault(r => r.Kind == ResourceKind.SecurityGroup && r.Name == name) is { } found)
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

    /// <summary>Deletes the node's server, then its port (found by name and tag); returns what it deleted.</summary>
    private async Task<List<string>> DeleteServerAsync(NodePlan node, CancellationToken cancellationToken)
    {
        var provider = cluster.Providers[node.Site];
        var resources = await provider.ListAsync(cluster.Context.ClusterId, cancellationToken).ConfigureAwait(false);
        var deleted = new List<string>();
        foreach (var kind in new[] { ResourceKind.FloatingIp, ResourceKind.Server, ResourceKind.Port })
        {
            foreach (var resource in resources.Where(r => r.Kind == kind && r.Name == node.Name))
            {
                await provider.DeleteAsync(resource, cancellationToken).ConfigureAwait(false);
                deleted.Add($"{kind.ToString().ToLowerInvariant()} {resource.Id}");
            }
        }
        return deleted;
    }
}
