using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Networking;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

public sealed partial class OpenStackSiteProvider
{
    public async Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = await _session.Value.ConfigureAwait(false);
        var neutron = session.Neutron;
        if (_settings.Network is { } existingName)
        {
            return await ExistingNetworkAsync(neutron, existingName, cancellationToken).ConfigureAwait(false);
        }
        var tag = ClusterTag.For(request.ClusterId);
        var network = (await neutron.ListTaggedAsync("networks", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(n => n.Name == request.Name)
            ?? await neutron.CreateAsync("networks", new JsonObject
            {
                ["name"] = request.Name,
                ["admin_state_up"] = true,
                ["port_security_enabled"] = true,
                ["description"] = $"GridSpan cluster {request.ClusterId}",
            }, tag, cancellationToken).ConfigureAwait(false);
        var mtu = network.Json.TryGetProperty("mtu", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var reported) ? reported : request.Mtu;
        if (request.Mtu < mtu)
        {
            // Only lowering is safe: the cloud's own MTU is the most its overlay carries.
            if ((await neutron.ExtensionsAsync(cancellationToken).ConfigureAwait(false)).Contains("net-mtu-writable"))
            {
                network = await neutron.UpdateAsync("networks", network.Id, new JsonObject { ["mtu"] = request.Mtu }, cancellationToken).ConfigureAwait(false);
                mtu = request.Mtu;
            }
        }
        var subnetName = request.Name + "-subnet";
        var subnet = (await neutron.ListTaggedAsync("subnets", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Name == subnetName && s.Text("network_id") == network.Id)
            ?? await neutron.CreateAsync("subnets", new JsonObject
            {
                ["name"] = subnetName,
                ["network_id"] = network.Id,
                ["ip_version"] = 4,
                ["cidr"] = request.Cidr.ToString(),
                ["enable_dhcp"] = true,
            }, tag, cancellationToken).ConfigureAwait(false);
        string? routerId = null;
        var external = await ExternalNetworkAsync(neutron, required: false, cancellationToken).ConfigureAwait(false);
        if (external is not null)
        {
            var routerName = request.Name + "-router";
            var router = (await neutron.ListTaggedAsync("routers", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Name == routerName);
            if (router is null)
            {
                router = await neutron.CreateAsync("routers", new JsonObject
                {
                    ["name"] = routerName,
                    ["external_gateway_info"] = new JsonObject { ["network_id"] = external.Id },
                }, tag, cancellationToken).ConfigureAwait(false);
            }
            var attached = await neutron.ListAsync("ports", new Dictionary<string, string>
            {
                ["device_id"] = router.Id,
                ["network_id"] = network.Id,
            }, cancellationToken).ConfigureAwait(false);
            if (attached.Length == 0)
            {
                await neutron.AddRouterInterfaceAsync(router.Id, subnet.Id, cancellationToken).ConfigureAwait(false);
            }
            routerId = router.Id;
        }
        return new NetworkInfo(network.Id, network.Name, subnet.Id, IPNetwork.Parse(subnet.Text("cidr")!), mtu, routerId);
    }

    /// <summary>The existing network and subnet the settings name (`network:`), without changing anything.</summary>
    internal async Task<NetworkInfo> FindExistingNetworkAsync(CancellationToken cancellationToken)
    {
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        return await ExistingNetworkAsync(neutron, _settings.Network!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The name of the external network floating IPs come from, or null when there is none and none is required.</summary>
    internal async Task<string?> FindExternalNetworkAsync(bool required, CancellationToken cancellationToken)
    {
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        return (await ExternalNetworkAsync(neutron, required, cancellationToken).ConfigureAwait(false))?.Name;
    }

    private async Task<NetworkInfo> ExistingNetworkAsync(NeutronClient neutron, string name, CancellationToken cancellationToken)
    {
        var network = await neutron.FindAsync("networks", name, null, cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(_site, $"the network '{name}' does not exist or is not visible to the project",
                "set `network:` to a network listed by `openstack network list`, or remove it to let GridSpan create one");
        NeutronResource? subnet;
        if (_settings.SubnetName is { } subnetName)
        {
            subnet = await neutron.FindAsync("subnets", subnetName, new Dictionary<string, string> { ["network_id"] = network.Id }, cancellationToken).ConfigureAwait(false)
                ?? throw GridSpanException.Provider(_site, $"the network '{name}' has no subnet '{subnetName}'",
                    "set `subnet:` to one of the network's subnets, or remove it to use its only IPv4 subnet");
        }
        else
        {
            var subnets = await neutron.ListAsync("subnets", new Dictionary<string, string> { ["network_id"] = network.Id, ["ip_version"] = "4" }, cancellationToken).ConfigureAwait(false);
            subnet = subnets.Length == 1 ? subnets[0] : throw GridSpanException.Provider(_site,
                $"the network '{name}' has {subnets.Length} IPv4 subnets ({string.Join(", ", subnets.Select(s => $"{s.Name} {s.Text("cidr")}"))})",
                "set `subnet:` to the one GridSpan should use");
        }
        var mtu = network.Json.TryGetProperty("mtu", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var reported) ? reported : 1500;
        return new NetworkInfo(network.Id, network.Name, subnet.Id, IPNetwork.Parse(subnet.Text("cidr")!), mtu, null);
    }

    /// <summary>The external network named in the settings, or the cloud's only one; null when there is none and none is required.</summary>
    private async Task<NeutronResource?> ExternalNetworkAsync(NeutronClient neutron, bool required, CancellationToken cancellationToken)
    {
        await _cacheLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_externalNetworkResolved)
            {
                var external = new Dictionary<string, string> { ["router:external"] = "true" };
                if (_settings.ExternalNetwork is { } name)
                {
                    _externalNetwork = await neutron.FindAsync("networks", name, external, cancellationToken).ConfigureAwait(false)
                        ?? throw GridSpanException.Provider(_site, $"the external network '{name}' does not exist",
                            "set `externalNetwork:` to a network listed by `openstack network list --external`");
                }
                else
                {
                    var all = await neutron.ListAsync("networks", external, cancellationToken).ConfigureAwait(false);
                    if (all.Length > 1)
                    {
                        throw GridSpanException.Provider(_site,
                            $"the cloud has {all.Length} external networks ({string.Join(", ", all.Select(n => n.Name))}) and the site does not say which to use",
                            "set `externalNetwork:` to one of them");
                    }
                    _externalNetwork = all.FirstOrDefault();
                }
                _externalNetworkResolved = true;
            }
        }
        finally
        {
            _cacheLock.Release();
        }
        if (_externalNetwork is null && required)
        {
            throw GridSpanException.Provider(_site, "the cloud has no external network, so it cannot give floating IPs",
                "ask the cloud's operators which network provides public addresses and set `externalNetwork:`");
        }
        return _externalNetwork;
    }
}
