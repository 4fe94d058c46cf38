using System.Collections.Concurrent;
using System.Collections.Immutable;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>
/// Creates a cluster's cloud resources from its plan, every site at once and every server of a
/// site at once: the site's network (subnet and MTU of the plan), a security group per role with
/// the plan's rules, the cluster's key pair, a port per static node at its planned address (with
/// allowed address pairs for the master and gateways, which forward other sites' traffic), the
/// servers with their user data, and floating addresses for the master and gateways (each node's
/// through <see cref="NodeResources"/>, as the master's hooks make theirs). Idempotent: resources are
/// looked up by the cluster's tag and their name first and reused, so a run stopped half-way
/// (failure, Ctrl-C) continues where it stopped. On-demand nodes are not created here.
/// </summary>
public sealed class ClusterProvisioner
{
    /// <summary>How long a server may take to become active.</summary>
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeProvider Time { get; init; } = TimeProvider.System;

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
        var counted = new CountingProgress(progress);
        var nodes = new ConcurrentBag<ProvisionedNode>();
        var vpnGroups = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Task.WhenAll(plan.Sites.Select(site =>
            ProvisionSiteAsync(plan, site, clusterId, providers[site.Name], userData, publicKey, nodes, vpnGroups, counted, cancellationToken))).ConfigureAwait(false);
        await OpenTunnelPortsToPeersAsync(plan, providers, vpnGroups, [.. nodes], cancellationToken).ConfigureAwait(false);
        var order = plan.Nodes.Select((n, i) => (n.Name, i)).ToDictionary(e => e.Name, e => e.i, StringComparer.Ordinal);
        return new ProvisionResult([.. nodes.OrderBy(n => order[n.NodeName])], counted.Created);
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
        var unplanned = (await ClusterTerminator.ListAsync(clusterId, providers, cancellationToken).ConfigureAwait(false))
            .Where(f => NodeResources.Kinds.Contains(f.Resource.Kind) && !planned.Contains(f.Resource.Name))
            .ToList();
        await ClusterTerminator.RemoveNodesAsync(clusterId, unplanned, providers, progress, cancellationToken).ConfigureAwait(false);
        return [.. unplanned.Select(f => f.Resource.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private async Task ProvisionSiteAsync(
        ClusterPlan plan,
        SitePlan site,
        string clusterId,
        ISiteProvider provider,
        Func<NodePlan, string?> userData,
        string publicKey,
        ConcurrentBag<ProvisionedNode> result,
        ConcurrentDictionary<string, string> vpnGroups,
        IProgress<ProvisionEvent> progress,
        CancellationToken cancellationToken)
    {
        var existing = await provider.ListAsync(clusterId, cancellationToken).ConfigureAwait(false);
        async Task<string> EnsureAsync(ResourceKind kind, string name, Func<Task<string>> create)
        {
            if (existing.FirstOrDefault(r => r.Kind == kind && r.Name == name) is { } found)
            {
                progress.Report(new ProvisionEvent(site.Name, kind, name, ProvisionAction.Found) { Id = found.Id });
                return found.Id;
            }
            var id = await create().ConfigureAwait(false);
            progress.Report(new ProvisionEvent(site.Name, kind, name, ProvisionAction.Created) { Id = id });
            return id;
        }

        var nodes = plan.Nodes.Where(n => n.Site == site.Name && !n.OnDemand).ToList();
        var networkName = ResourceNames.Network(plan, site.Name);
        var networkTask = EnsureAsync(ResourceKind.Network, networkName, async () =>
            (await provider.CreateNetworkAsync(new NetworkRequest(networkName, clusterId, site.Subnet, site.Mtu), cancellationToken)
                .ConfigureAwait(false)).Id);
        var keyPairName = ResourceNames.KeyPair(clusterId, site.Name);
        var keyPairTask = EnsureAsync(ResourceKind.KeyPair, keyPairName, async () =>
            (await provider.CreateKeyPairAsync(new KeyPairRequest(keyPairName, clusterId, publicKey), cancellationToken).ConfigureAwait(false)).Id);
        var groupTasks = nodes.Select(n => n.Role).Distinct().ToDictionary(role => role, role =>
        {
            var name = ResourceNames.SecurityGroup(plan, site.Name, role);
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

        var resources = new NodeResources(provider, site.Name, clusterId) { ActiveTimeout = ActiveTimeout, PollInterval = PollInterval, Time = Time };
        await Task.WhenAll(nodes.Select(async node =>
        {
            var request = NodeRequest.For(plan, node, userData(node),
                async _ => new NodePlacement(networkId, await groupTasks[node.Role].ConfigureAwait(false)));
            result.Add(await resources.EnsureAsync(request, existing, progress, cancellationToken).ConfigureAwait(false));
        })).ConfigureAwait(false);
    }

    /// <summary>Counts the resources created while passing every event on.</summary>
    private sealed class CountingProgress(IProgress<ProvisionEvent>? inner) : IProgress<ProvisionEvent>
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public void Report(ProvisionEvent value)
        {
            if (value.Action == ProvisionAction.Created)
            {
                Interlocked.Increment(ref _created);
            }
            inner?.Report(value);
        }
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
