using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>
/// The one place a node's cloud resources are made and unmade, for `create`, `terminate` and the
/// master's hooks alike. <see cref="EnsureAsync"/>: its port (at its planned address, forwarding what
/// the plan says), its server (tagged with its cluster, name, role and site), a floating address for a
/// VPN endpoint, and the wait until the server is active. <see cref="RemoveAsync"/>: the floating
/// address, the server and the port, in that order. Both find what exists by the cluster's tag and
/// the node's name first, so running either again finishes what a stopped run began and makes
/// nothing twice.
/// </summary>
public sealed class NodeResources(ISiteProvider provider, string site, string clusterId)
{
    /// <summary>The kinds of resource a node has, in the order they are deleted.</summary>
    public static ImmutableArray<ResourceKind> Kinds { get; } = [ResourceKind.FloatingIp, ResourceKind.Server, ResourceKind.Port];

    /// <summary>How long a server may take to become active.</summary>
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How the user tries again, for the fixes of failures ("run `gridspan create` again"; on the master, Slurm does).</summary>
    public string Again { get; init; } = "run `gridspan create` again";

    /// <summary>
    /// Makes the node's resources exist and its server active. What <paramref name="listed"/> (the site's
    /// resources of the cluster, listed before) already has is used as it is, except a server that failed
    /// or vanished, which is deleted and made anew.
    /// </summary>
    public async Task<ProvisionedNode> EnsureAsync(NodeRequest request, IReadOnlyCollection<CloudResource> listed, IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listed);
        var node = request.Node;
        CloudResource? Find(ResourceKind kind) => listed.FirstOrDefault(r => r.Kind == kind && r.Name == node.Name && r.ClusterId == clusterId);
        void Report(ResourceKind kind, ProvisionAction action, string id, string? detail = null) =>
            progress?.Report(new ProvisionEvent(site, kind, node.Name, action) { Id = id, Detail = detail });

        string portId;
        if (Find(ResourceKind.Port) is { } port)
        {
            portId = port.Id;
            Report(ResourceKind.Port, ProvisionAction.Found, portId);
        }
        else
        {
            var placement = await request.Placement(cancellationToken).ConfigureAwait(false);
            portId = (await provider.CreatePortAsync(new PortRequest(node.Name, clusterId, placement.NetworkId, node.Address, [placement.SecurityGroupId],
                request.Forwards), cancellationToken).ConfigureAwait(false)).Id;
            Report(ResourceKind.Port, ProvisionAction.Created, portId);
        }

        ServerInfo? server = null;
        if (Find(ResourceKind.Server) is { } found)
        {
            server = await provider.GetServerAsync(found.Id, cancellationToken).ConfigureAwait(false);
            if (server is null || server.Status == ServerStatus.Error)
            {
                await provider.DeleteAsync(found, cancellationToken).ConfigureAwait(false);
                Report(ResourceKind.Server, ProvisionAction.Deleted, found.Id, server?.Fault ?? "it was gone");
                server = null;
            }
            else
            {
                Report(ResourceKind.Server, ProvisionAction.Found, server.Id);
            }
        }
        if (server is null)
        {
            server = await provider.CreateServerAsync(ServerRequestOf(node, portId, request.UserData), cancellationToken).ConfigureAwait(false);
            Report(ResourceKind.Server, ProvisionAction.Created, server.Id);
        }

        IPAddress? floating = null;
        if (request.PublicAddress)
        {
            if (Find(ResourceKind.FloatingIp) is { } address)
            {
                Report(ResourceKind.FloatingIp, ProvisionAction.Found, address.Id);
            }
            else
            {
                var made = await provider.CreateFloatingIpAsync(new FloatingIpRequest(node.Name, clusterId, portId), cancellationToken).ConfigureAwait(false);
                floating = made.Address;
                Report(ResourceKind.FloatingIp, ProvisionAction.Created, made.Id);
            }
        }

        if (server.Status != ServerStatus.Active)
        {
            server = await WaitActiveAsync(node, server.Id, cancellationToken).ConfigureAwait(false);
            Report(ResourceKind.Server, ProvisionAction.Active, server.Id);
        }
        floating ??= request.PublicAddress ? server.Addresses.FirstOrDefault(a => !a.Equals(node.Address)) : null;
        if (request.PublicAddress && floating is null)
        {
            throw GridSpanException.Provider(site, $"server {node.Name} has no public address after its floating address was assigned",
                $"{Again}; if it persists, check the site's floating address pool");
        }
        return new ProvisionedNode(node.Name, site, server.Id, node.Address, floating, server.HostKeys);
    }

    /// <summary>
    /// Deletes the node's floating address, server and port, found by its name in <paramref name="listed"/>
    /// (or in the site's list of now, when null). Deleting what is already gone is no error.
    /// </summary>
    /// <returns>What was deleted, in the order it was.</returns>
    public async Task<ImmutableArray<CloudResource>> RemoveAsync(string nodeName, IReadOnlyCollection<CloudResource>? listed, IProgress<ProvisionEvent>? progress,
        CancellationToken cancellationToken)
    {
        listed ??= await provider.ListAsync(clusterId, cancellationToken).ConfigureAwait(false);
        var deleted = ImmutableArray.CreateBuilder<CloudResource>();
        foreach (var kind in Kinds)
        {
            foreach (var resource in listed.Where(r => r.Kind == kind && r.Name == nodeName && r.ClusterId == clusterId))
            {
                await provider.DeleteAsync(resource, cancellationToken).ConfigureAwait(false);
                deleted.Add(resource);
                progress?.Report(new ProvisionEvent(site, kind, nodeName, ProvisionAction.Deleted) { Id = resource.Id });
            }
        }
        return deleted.ToImmutable();
    }

    /// <summary>The node's server, tagged with its cluster, name, role and site.</summary>
    private ServerRequest ServerRequestOf(NodePlan node, string portId, string? userData) =>
        new(node.Name, clusterId, node.Image, node.Flavor, portId, ResourceNames.KeyPair(clusterId, node.Site), userData,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["gridspan-cluster"] = clusterId,
                ["gridspan-node"] = node.Name,
                ["gridspan-role"] = node.Role.ToString().ToLowerInvariant(),
                ["gridspan-site"] = node.Site,
            }));

    /// <summary>Waits until the server is active; fails at once when it failed or disappeared.</summary>
    private Task<ServerInfo> WaitActiveAsync(NodePlan node, string serverId, CancellationToken cancellationToken) =>
        Wait.UntilAsync(async token =>
        {
            var server = await provider.GetServerAsync(serverId, token).ConfigureAwait(false)
                ?? throw GridSpanException.Provider(site, $"server {node.Name} ({serverId}) disappeared while it was being created",
                    $"{Again} to create it anew");
            return server.Status switch
            {
                ServerStatus.Active => server,
                ServerStatus.Error => throw GridSpanException.Provider(site, $"server {node.Name} failed to start: {server.Fault ?? "no reason given"}",
                    $"fix the cause (image '{node.Image}', flavor '{node.Flavor}'), then {Again}"),
                _ => null,
            };
        }, PollInterval, ActiveTimeout, () => GridSpanException.Provider(site, $"server {node.Name} did not become active within {ActiveTimeout.TotalSeconds:0} s",
            $"check the site's capacity, then {Again}: it continues where it stopped"), Time, cancellationToken);
}
