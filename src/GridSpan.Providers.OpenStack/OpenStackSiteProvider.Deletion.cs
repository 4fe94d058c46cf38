using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Compute;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

public sealed partial class OpenStackSiteProvider
{
    public async Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var session = await _session.Value.ConfigureAwait(false);
        var tag = ClusterTag.For(clusterId);
        async Task<IEnumerable<CloudResource>> Tagged(string collection, ResourceKind kind) =>
            (await session.Neutron.ListTaggedAsync(collection, tag, cancellationToken).ConfigureAwait(false))
                .Select(r => new CloudResource(kind, r.Id, kind == ResourceKind.FloatingIp ? r.Text("floating_ip_address") ?? r.Name : r.Name, clusterId));
        async Task<IEnumerable<CloudResource>> Servers() =>
            (await session.Nova.ListServersAsync(tag, cancellationToken).ConfigureAwait(false))
                .Select(s => new CloudResource(ResourceKind.Server, s.Id, s.Name, clusterId));
        async Task<IEnumerable<CloudResource>> KeyPairs() =>
            (await session.Nova.ListKeyPairNamesAsync(cancellationToken).ConfigureAwait(false))
                .Where(n => n.StartsWith(KeyPairPrefix(clusterId), StringComparison.Ordinal))
                .Select(n => new CloudResource(ResourceKind.KeyPair, n, n, clusterId));
        var all = await Task.WhenAll(
            Tagged("floatingips", ResourceKind.FloatingIp),
            Servers(),
            Tagged("ports", ResourceKind.Port),
            Tagged("routers", ResourceKind.Router),
            Tagged("subnets", ResourceKind.Subnet),
            Tagged("networks", ResourceKind.Network),
            Tagged("security-groups", ResourceKind.SecurityGroup),
            KeyPairs()).ConfigureAwait(false);
        return [.. all.SelectMany(r => r).OrderBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    public async Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var session = await _session.Value.ConfigureAwait(false);
        var neutron = session.Neutron;
        switch (resource.Kind)
        {
            case ResourceKind.FloatingIp:
                await neutron.DeleteResourceAsync("floatingips", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Server:
                await DeleteServerAsync(session.Nova, resource, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Port:
                await neutron.DeleteResourceAsync("ports", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Router:
                var interfaces = await neutron.ListAsync("ports", new Dictionary<string, string>
                {
                    ["device_id"] = resource.Id,
                    ["device_owner"] = "network:router_interface",
                }, cancellationToken).ConfigureAwait(false);
                foreach (var port in interfaces)
                {
                    await neutron.RemoveRouterInterfaceAsync(resource.Id, port.Id, cancellationToken).ConfigureAwait(false);
                }
                await neutron.DeleteResourceAsync("routers", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Subnet:
                await neutron.DeleteResourceAsync("subnets", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Network:
                await neutron.DeleteResourceAsync("networks", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.SecurityGroup:
                await neutron.DeleteResourceAsync("security-groups", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.KeyPair:
                await session.Nova.DeleteKeyPairAsync(resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(resource), resource.Kind, "unknown resource kind");
        }
    }

    /// <summary>Deletes a server and waits until Nova no longer lists it, so its port and network can go next.</summary>
    private async Task DeleteServerAsync(NovaClient nova, CloudResource resource, CancellationToken cancellationToken)
    {
        if (!await nova.DeleteServerAsync(resource.Id, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        NovaServer? server = null;
        var gone = await Wait.UntilAsync(async token => (server = await nova.GetServerAsync(resource.Id, token).ConfigureAwait(false)) is null,
            ServerDeletePoll, ServerDeleteTimeout, Time, cancellationToken).ConfigureAwait(false);
        if (!gone)
        {
            throw GridSpanException.Provider(_site,
                $"server '{resource.Name}' ({resource.Id}) is still {server!.Status} {ServerDeleteTimeout.TotalMinutes:0} minutes after it was deleted"
                + (server.Fault is null ? "" : $": {server.Fault}"),
                "ask the cloud's operators to look at the server; run terminate again later");
        }
    }
}
