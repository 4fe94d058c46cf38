using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Providers.Local.Host;
using GridSpan.Provision;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    public async Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return [.. Resources(state).Where(r => r.ClusterId == clusterId)];
    }

    /// <summary>The cluster a resource belongs to, or null when there is no such resource.</summary>
    public async Task<string?> ClusterOfAsync(ResourceKind kind, string id, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Resources(state).FirstOrDefault(r => r.Kind == kind && r.Id == id)?.ClusterId;
    }

    public static IEnumerable<CloudResource> Resources(CloudState state) =>
        state.FloatingIps.Select(f => new CloudResource(ResourceKind.FloatingIp, f.Id, f.Name, f.ClusterId))
            .Concat(state.Servers.Select(s => new CloudResource(ResourceKind.Server, s.Id, s.Name, s.ClusterId)))
            .Concat(state.Ports.Select(p => new CloudResource(ResourceKind.Port, p.Id, p.Name, p.ClusterId)))
            // A local network and its subnet are one record; it is listed as both, as clouds that keep them
            // apart list them (NetworkInfo.SubnetId is the network's id), and deleting either deletes it.
            .Concat(state.Networks.Select(n => new CloudResource(ResourceKind.Subnet, n.Id, n.Name + "-subnet", n.ClusterId)))
            .Concat(state.Networks.Select(n => new CloudResource(ResourceKind.Network, n.Id, n.Name, n.ClusterId)))
            .Concat(state.SecurityGroups.Select(g => new CloudResource(ResourceKind.SecurityGroup, g.Id, g.Name, g.ClusterId)))
            .Concat(state.KeyPairs.Select(k => new CloudResource(ResourceKind.KeyPair, k.Id, k.Name, k.ClusterId)))
            .OrderBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal);

    /// <summary>Deletes one resource; one that is already gone is not an error. Refuses while others depend on it.</summary>
    public async Task DeleteAsync(ResourceKind kind, string id, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case ResourceKind.Server:
                await DeleteServerAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.FloatingIp:
                await Store.UpdateAsync(async state =>
                {
                    var floating = state.FloatingIps.FirstOrDefault(f => f.Id == id);
                    if (floating is null)
                    {
                        return 0;
                    }
                    state.FloatingIps.Remove(floating);
                    var port = state.Ports.FirstOrDefault(p => p.Id == floating.PortId);
                    var network = port is null ? null : state.Networks.FirstOrDefault(n => n.Id == port.NetworkId);
                    if (network is not null && File.Exists(Names.NetnsPath(Names.Router(network.Id))))
                    {
                        await Commands.TryAsync(cancellationToken, "ip", "-n", Names.Router(network.Id), "addr", "del", $"{floating.Address}/32", "dev", "public")
                            .ConfigureAwait(false);
                        await ApplyRouterAsync(state, network, cancellationToken).ConfigureAwait(false);
                    }
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Port:
                await Store.UpdateAsync(state =>
                {
                    var port = state.Ports.FirstOrDefault(p => p.Id == id);
                    if (port?.ServerId is { } serverId)
                    {
                        throw GridSpanException.Provider("local", $"port {port.Name} is in use by server {serverId}", "delete the server first");
                    }
                    if (port is not null && state.FloatingIps.Any(f => f.PortId == id))
                    {
                        throw GridSpanException.Provider("local", $"port {port.Name} still has a floating address", "delete the floating address first");
                    }
                    state.Ports.RemoveAll(p => p.Id == id);
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Network or ResourceKind.Subnet or ResourceKind.Router:
                await Store.UpdateAsync(async state =>
                {
                    var network = state.Networks.FirstOrDefault(n => n.Id == id);
                    if (network is null)
                    {
                        return 0;
                    }
                    if (state.Ports.Any(p => p.NetworkId == id))
                    {
                        throw GridSpanException.Provider("local", $"network {network.Name} still has ports", "delete its servers and ports first");
                    }
                    await RemoveSiteNetworkAsync(id).ConfigureAwait(false);
                    state.Networks.Remove(network);
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.SecurityGroup:
                await Store.UpdateAsync(state =>
                {
                    if (state.Ports.FirstOrDefault(p => p.SecurityGroupIds.Contains(id)) is { } user)
                    {
                        throw GridSpanException.Provider("local", $"security group {id} is used by port {user.Name}", "delete the port first");
                    }
                    return state.SecurityGroups.RemoveAll(g => g.Id == id);
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.KeyPair:
                await Store.UpdateAsync(state => state.KeyPairs.RemoveAll(k => k.Id == id), cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown resource kind");
        }
    }

    private async Task DeleteServerAsync(string id, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var server = state.Servers.FirstOrDefault(s => s.Id == id);
        if (server is null)
        {
            return;
        }
        await _nodes.RemoveAsync(id, server.Pid, server.StartTicks, cancellationToken).ConfigureAwait(false);
        await Store.UpdateAsync(async current =>
        {
            current.Servers.RemoveAll(s => s.Id == id);
            var index = current.Ports.FindIndex(p => p.ServerId == id);
            if (index >= 0)
            {
                current.Ports[index] = current.Ports[index] with { ServerId = null };
            }
            if (File.Exists(Names.NetnsPath(Names.World)))
            {
                await Commands.TryAsync(cancellationToken, "ip", "-n", Names.World, "link", "del", Names.PortLeg(server.PortId)).ConfigureAwait(false);
                await ApplyPortSecurityAsync(current, cancellationToken).ConfigureAwait(false);
            }
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every resource tagged with the cluster's id, in dependency order (servers before ports, ...).</summary>
    public async Task<int> DeleteByTagAsync(string clusterId, CancellationToken cancellationToken)
    {
        var resources = await ListAsync(clusterId, cancellationToken).ConfigureAwait(false);
        foreach (var kind in resources.Select(r => r.Kind).Distinct().Order())
        {
            await Parallel.ForEachAsync(resources.Where(r => r.Kind == kind),
                new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (resource, token) => await DeleteAsync(resource.Kind, resource.Id, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        return resources.Length;
    }

    /// <summary>
    /// Removes everything this local cloud created: servers (their processes by PID, mounts, cgroups,
    /// namespaces), routers, bridges, the world namespace, the API server, and the state.
    /// </summary>
    public async Task<DownReport> DownAsync(CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(state.Servers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (server, _) => await _nodes.RemoveAsync(server.Id, server.Pid, server.StartTicks, CancellationToken.None).ConfigureAwait(false))
            .ConfigureAwait(false);
        // Nodes whose state entry was lost still have a directory: remove them too.
        var nodesDirectory = Path.Combine(Options.StateDirectory, "nodes");
        if (Directory.Exists(nodesDirectory))
        {
            foreach (var orphan in Directory.GetDirectories(nodesDirectory))
            {
                await _nodes.RemoveAsync(Path.GetFileName(orphan), null, null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        if (state.Api is { } api && Processes.IsAlive(api.Pid, api.StartTicks))
        {
            Processes.Signal(api.Pid, api.StartTicks, Processes.SigTerm);
            for (var i = 0; i < 100 && Processes.IsAlive(api.Pid, api.StartTicks); i++)
            {
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }
            Processes.Signal(api.Pid, api.StartTicks, Processes.SigKill);
        }
        foreach (var network in state.Networks)
        {
            await RemoveSiteNetworkAsync(network.Id).ConfigureAwait(false);
        }
        // Namespaces named with this cloud's prefix that the state forgot (an interrupted create).
        // Only names of exactly the shapes this cloud gives (never a mere prefix match: other tools' names may look alike).
        var leftovers = Directory.Exists("/run/netns")
            ? Directory.GetFiles("/run/netns").Select(Path.GetFileName).Where(n => Names.IsOwnNamespace(n!)).ToList()
            : [];
        foreach (var netns in leftovers.Where(n => n != Names.World))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "netns", "del", netns!).ConfigureAwait(false);
        }
        if (File.Exists(Names.NetnsPath(Names.World)))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "netns", "del", Names.World).ConfigureAwait(false);
        }
        _nodes.RemoveCgroupParents();
        await Store.UpdateAsync(s =>
        {
            var quota = s.Quota;
            s.Networks.Clear();
            s.SecurityGroups.Clear();
            s.KeyPairs.Clear();
            s.Ports.Clear();
            s.Servers.Clear();
            s.FloatingIps.Clear();
            s.Api = null;
            s.Quota = quota;
            return 0;
        }, CancellationToken.None).ConfigureAwait(false);
        return new DownReport(state.Servers.Count, state.Networks.Count, state.Api is not null);
    }
}
