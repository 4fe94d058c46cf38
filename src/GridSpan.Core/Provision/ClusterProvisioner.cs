using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>
/// Creates a cluster's cloud resources from its plan, every site at once and every server of a
/// site at once: the site's network (subnet and MTU of the plan), a security group per role with
/// the plan's rules, the cluster's key pair, a port per static node at its planned address (with
/// allowed address pairs for the master and gateways, which forward other sites' traffic), the
/// servers with their user data, and floating addresses for the master and gateways. Idempotent:
/// resources are looked up by the cluster's tag and their name first and reused, so a run stopped
/// half-way (failure, Ctrl-C) continues where it stopped. On-demand nodes are not created here.
/// </summary>
public sealed class ClusterProvisioner
{
    /// <summary>How long a server may take to become active.</summary>
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Name of the security group of a role in a site.</summary>
    public static string SecurityGroupName(ClusterPlan plan, string site, NodeRole role) =>
        $"{plan.Name}-{site}-{role.ToString().ToLowerInvariant()}";

    public static string NetworkName(ClusterPlan plan, string site) => $"{plan.Name}-{site}";

    /// <param name="providers">A connected provider per site name.</param>
    /// <param name="userData">The first-boot user data of each node.</param>
    /// <param name="publicKey">The cluster's SSH public key, registered as the key pair.</param>
    public async Task<ProvisionResult> ProvisionAsync(
        ClusterPlan plan,
        string clusterId,
        IReadOnlyDictionary<string, ISiteProvider> providers,
        Func<NodePlan, string?> userData,
        string publicKey,
        IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(providers);
        var created = 0;
        var nodes = new ConcurrentBag<ProvisionedNode>();
        var vpnGroups = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Task.WhenAll(plan.Sites.Select(async site =>
        {
            var count = await ProvisionSiteAsync(plan, site, clusterId, providers[site.Name], userData, publicKey, nodes, vpnGroups, progress, cancellationToken)
                .ConfigureAwait(false);
            Interlocked.Add(ref created, count);
        })).ConfigureAwait(false);
        await OpenTunnelPortsToPeersAsync(plan, providers, vpnGroups, [.. nodes], cancellationToken).ConfigureAwait(false);
        var order = plan.Nodes.Select((n, i) => (n.Name, i)).ToDictionary(e => e.Name, e => e.i, StringComparer.Ordinal);
        return new ProvisionResult([.. nodes.OrderBy(n => order[n.NodeName])], created);
    }

    /// <summary>
    /// Deletes the servers, ports and floating addresses of nodes the plan no longer has (a lowered
    /// count, a removed worker group): they would otherwise run, and cost, outside the cluster.
    /// Planned nodes, on-demand ones included, and the sites' networks, groups and key pairs are left.
    /// </summary>
    /// <returns>The names of the nodes whose resources were deleted, sorted.</returns>
    public static async Task<ImmutableArray<string>> RemoveUnplannedNodesAsync(
        ClusterPlan plan,
        string clusterId,
        IReadOnlyDictionary<string, ISiteProvider> providers,
        IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var planned = plan.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var nodeKinds = new[] { ResourceKind.FloatingIp, ResourceKind.Server, ResourceKind.Port };
        var unplanned = (await ClusterTerminator.ListAsync(clusterId, providers, cancellationToken).ConfigureAwait(false))
            .Where(f => nodeKinds.Contains(f.Resource.Kind) && !planned.Contains(f.Resource.Name))
            .ToList();
        await ClusterTerminator.DeleteAsync(unplanned, providers, progress, cancellationToken).ConfigureAwait(false);
        return [.. unplanned.Select(f => f.Resource.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private async Task<int> ProvisionSiteAsync(
        ClusterPlan plan,
        SitePlan site,
        string clusterId,
        ISiteProvider provider,
        Func<NodePlan, string?> userData,
        string publicKey,
        ConcurrentBag<ProvisionedNode> result,
        ConcurrentDictionary<string, string> vpnGroups,
        IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        var existing = await provider.ListAsync(clusterId, cancellationToken).ConfigureAwait(false);
        var created = 0;
        string? Find(ResourceKind kind, string name) => existing.FirstOrDefault(r => r.Kind == kind && r.Name == name)?.Id;
        async Task<string> EnsureAsync(ResourceKind kind, string name, Func<Task<string>> create)
        {
            if (Find(kind, name) is { } id)
            {
                progress?.Report(new ProvisionEvent(site.Name, kind, name, ProvisionAction.Found));
                return id;
            }
            id = await create().ConfigureAwait(false);
            Interlocked.Increment(ref created);
            progress?.Report(new ProvisionEvent(site.Name, kind, name, ProvisionAction.Created));
            return id;
        }

        var nodes = plan.Nodes.Where(n => n.Site == site.Name && !n.OnDemand).ToList();
        var networkTask = EnsureAsync(ResourceKind.Network, NetworkName(plan, site.Name), async () =>
            (await provider.CreateNetworkAsync(new NetworkRequest(NetworkName(plan, site.Name), clusterId, site.Subnet, site.Mtu), cancellationToken)
                .ConfigureAwait(false)).Id);
        var keyPairName = NodeServers.KeyPairName(clusterId, site.Name);
        var keyPairTask = EnsureAsync(ResourceKind.KeyPair, keyPairName, async () =>
            (await provider.CreateKeyPairAsync(new KeyPairRequest(keyPairName, clusterId, publicKey), cancellationToken).ConfigureAwait(false)).Id);
        var groupTasks = nodes.Select(n => n.Role).Distinct().ToDictionary(role => role, role =>
        {
            var name = SecurityGroupName(plan, site.Name, role);
            return EnsureAsync(ResourceKind.SecurityGroup, name, async () =>
                (await provider.CreateSecurityGroupAsync(new SecurityGroupRequest(name, clusterId, plan.Firewall.For(role)), cancellationToken)
                    .ConfigureAwait(false)).Id);
        });
        var networkId = await networkTask.ConfigureAwait(false);
        await keyPairTask.ConfigureAwait(false);
        await Task.WhenAll(groupTasks.Values).ConfigureAwait(false);
        if (groupTasks.TryGetValue(plan.FindNode(site.VpnNode)!.Role, out var vpnGroup))
        {
            vpnGroups[site.Name] = await vpnGroup.ConfigureAwait(false);
        }

        await Task.WhenAll(nodes.Select(async node =>
        {
            var vpn = plan.Overlay.Members.FirstOrDefault(m => m.Node == node.Name);
            var allowed = vpn?.AllowedAddressPairs ?? [];
            var portId = await EnsureAsync(ResourceKind.Port, node.Name, async () =>
                (await provider.CreatePortAsync(new PortRequest(node.Name, clusterId, networkId, node.Address,
                    [await groupTasks[node.Role].ConfigureAwait(false)], allowed), cancellationToken).ConfigureAwait(false)).Id).ConfigureAwait(false);
            var serverExisted = Find(ResourceKind.Server, node.Name) is not null;
            var serverId = await EnsureAsync(ResourceKind.Server, node.Name, async () =>
                (await provider.CreateServerAsync(NodeServers.Request(clusterId, node, portId, userData(node)), cancellationToken)
                    .ConfigureAwait(false)).Id).ConfigureAwait(false);
            IPAddress? floating = null;
            if (node.Role is NodeRole.Master or NodeRole.Gateway)
            {
                if (Find(ResourceKind.FloatingIp, node.Name) is null)
                {
                    floating = (await provider.CreateFloatingIpAsync(new FloatingIpRequest(node.Name, clusterId, portId), cancellationToken).ConfigureAwait(false)).Address;
                    Interlocked.Increment(ref created);
                    progress?.Report(new ProvisionEvent(site.Name, ResourceKind.FloatingIp, node.Name, ProvisionAction.Created));
                }
                else
                {
                    progress?.Report(new ProvisionEvent(site.Name, ResourceKind.FloatingIp, node.Name, ProvisionAction.Found));
                }
            }
            var server = await NodeServers.WaitActiveAsync(provider, node, serverId, ActiveTimeout, PollInterval, "run `gridspan create` again", Time, cancellationToken).ConfigureAwait(false);
            if (!serverExisted)
            {
                progress?.Report(new ProvisionEvent(site.Name, ResourceKind.Server, node.Name, ProvisionAction.Active));
            }
            var isVpnEndpoint = node.Role == NodeRole.Master || node.Role == NodeRole.Gateway;
            floating ??= isVpnEndpoint ? server.Addresses.FirstOrDefault(a => !a.Equals(node.Address)) : null;
            if (isVpnEndpoint && floating is null)
            {
                throw GridSpanException.Provider(site.Name, $"server {node.Name} has no public address after its floating address was assigned",
                    "run `gridspan create` again; if it persists, check the site's floating address pool");
            }
            result.Add(new ProvisionedNode(node.Name, site.Name, serverId, node.Address, floating, server.HostKeys));
        })).ConfigureAwait(false);
        return created;
    }

    /// <summary>
    /// Lets each VPN node's tunnel port be reached from the other VPN nodes' public addresses only:
    /// the groups were created before those addresses existed, so the rule is added now, before any
    /// node is configured and a tunnel first tried (FirewallPlan.VpnPeerRules).
    /// </summary>
    private static async Task OpenTunnelPortsToPeersAsync(ClusterPlan plan, IReadOnlyDictionary<string, ISiteProvider> providers,
        ConcurrentDictionary<string, string> vpnGroups, IReadOnlyList<ProvisionedNode> nodes, CancellationToken cancellationToken)
    {
        if (plan.Overlay.Members.Length == 0)
        {
            return;
        }
        var publicAddress = nodes.Where(n => n.PublicAddress is not null).ToDictionary(n => n.NodeName, n => n.PublicAddress!, StringComparer.Ordinal);
        await Task.WhenAll(plan.Sites.Where(site => vpnGroups.ContainsKey(site.Name)).Select(site =>
        {
            var peers = plan.Overlay.Members.Where(m => m.Node != site.VpnNode).Select(m => publicAddress[m.Node]);
            return providers[site.Name].SetSecurityGroupRulesAsync(vpnGroups[site.Name],
                [.. plan.Firewall.For(plan.FindNode(site.VpnNode)!.Role), .. plan.Firewall.VpnPeerRules(peers)],
                cancellationToken);
        })).ConfigureAwait(false);
    }
}
