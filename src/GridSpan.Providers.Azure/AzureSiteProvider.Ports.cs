using System.Collections.Immutable;
using System.Net;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.Azure.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>A NIC in the site's subnet, at the planned address, in the node's network security group (a NIC has one).</summary>
    public async Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SecurityGroupIds.Length > 1)
        {
            throw GridSpanException.Provider(Site, $"the NIC {request.Name} is asked to be in {request.SecurityGroupIds.Length} security groups, but an Azure NIC has one");
        }
        var group = await EnsureGroupAsync(request.ClusterId, cancellationToken).ConfigureAwait(false);
        var id = group.Of(ResourceTypes.NetworkInterface, request.Name);
        var nic = await _arm.GetAsync(id, ArmApi.Network, $"look up the NIC {request.Name}", cancellationToken).ConfigureAwait(false);
        if (nic is null)
        {
            var subnet = await SubnetOfNetworkAsync(request.NetworkId, cancellationToken).ConfigureAwait(false);
            var address = new JsonObject { ["subnet"] = new JsonObject { ["id"] = subnet["id"]!.GetValue<string>() } };
            if (request.FixedAddress is { } fixedAddress)
            {
                address["privateIPAllocationMethod"] = "Static";
                address["privateIPAddress"] = fixedAddress.ToString();
            }
            else
            {
                address["privateIPAllocationMethod"] = "Dynamic";
            }
            var properties = new JsonObject
            {
                ["enableIPForwarding"] = !request.AllowedAddressPairs.IsDefaultOrEmpty,
                ["ipConfigurations"] = new JsonArray(new JsonObject { ["name"] = "primary", ["properties"] = address }),
            };
            if (request.SecurityGroupIds.FirstOrDefault() is { } securityGroup)
            {
                properties["networkSecurityGroup"] = new JsonObject { ["id"] = securityGroup };
            }
            nic = await _arm.PutAsync(id, ArmApi.Network, new JsonObject
            {
                ["location"] = _settings.Location,
                ["tags"] = AzureTags.Of(request.ClusterId),
                ["properties"] = properties,
            }, $"create the NIC {request.Name}", cancellationToken).ConfigureAwait(false);
        }
        return await ForwardAsync(nic, request.AllowedAddressPairs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Azure's form of allowed address pairs: for a non-empty set, IP forwarding on the NIC and a route for each range to
    /// the NIC's address (next hop VirtualAppliance) in the route table of its subnet; for an empty set, those routes
    /// removed and forwarding off.
    /// </summary>
    public async Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var nic = await _arm.GetAsync(portId, ArmApi.Network, $"look up the NIC {SiteGroup.NameOf(portId)}", cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(Site, $"the NIC {portId} does not exist", "run `gridspan create` again to recreate it");
        return await ForwardAsync(nic, allowed, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PortInfo> ForwardAsync(JsonObject nic, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var id = nic["id"]!.GetValue<string>();
        var name = SiteGroup.NameOf(id);
        var forwards = !allowed.IsDefaultOrEmpty;
        if ((nic["properties"]?["enableIPForwarding"]?.GetValue<bool>() ?? false) != forwards)
        {
            var changed = (JsonObject)nic.DeepClone();
            changed["properties"]!["enableIPForwarding"] = forwards;
            nic = await _arm.PutAsync(id, ArmApi.Network, changed, $"turn IP forwarding of the NIC {name} {(forwards ? "on" : "off")}", cancellationToken)
                .ConfigureAwait(false);
        }
        var address = AddressOf(nic);
        var wanted = (forwards ? allowed : []).Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
        if (await RouteTableOfAsync(nic, cancellationToken).ConfigureAwait(false) is { } table)
        {
            await RouteThroughAsync(table, address, wanted, cancellationToken).ConfigureAwait(false);
        }
        else if (forwards)
        {
            throw GridSpanException.Provider(Site, $"the subnet of the NIC {name} has no route table to route {string.Join(", ", wanted)} through it",
                "run `gridspan create` again to make the site's network");
        }
        return new PortInfo(id, name, address, nic["properties"]?["macAddress"]?.GetValue<string>(), [.. wanted.Order(StringComparer.Ordinal).Select(IPNetwork.Parse)]);
    }

    private static IPAddress AddressOf(JsonObject nic) =>
        IPAddress.Parse(PrimaryConfiguration(nic)["properties"]!["privateIPAddress"]!.GetValue<string>());

    private static JsonObject PrimaryConfiguration(JsonObject nic) => (nic["properties"]!["ipConfigurations"] as JsonArray)!.OfType<JsonObject>().First();

    /// <summary>The route table of the NIC's subnet, or null when the subnet has none.</summary>
    private async Task<JsonObject?> RouteTableOfAsync(JsonObject nic, CancellationToken cancellationToken)
    {
        var subnetId = PrimaryConfiguration(nic)["properties"]?["subnet"]?["id"]?.GetValue<string>();
        if (subnetId is null)
        {
            return null;
        }
        var subnet = await _arm.GetAsync(subnetId, ArmApi.Network, $"look up the subnet {SiteGroup.NameOf(subnetId)}", cancellationToken).ConfigureAwait(false);
        return subnet?["properties"]?["routeTable"]?["id"]?.GetValue<string>() is { } tableId
            ? await _arm.GetAsync(tableId, ArmApi.Network, $"look up the route table {SiteGroup.NameOf(tableId)}", cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>Makes the routes of <paramref name="table"/> to <paramref name="nextHop"/> exactly those to <paramref name="wanted"/>.</summary>
    private async Task RouteThroughAsync(JsonObject table, IPAddress nextHop, HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var tableId = table["id"]!.GetValue<string>();
        var hop = nextHop.ToString();
        var routes = (table["properties"]?["routes"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => (Name: r["name"]!.GetValue<string>(), Prefix: r["properties"]?["addressPrefix"]?.GetValue<string>(),
                Hop: r["properties"]?["nextHopIpAddress"]?.GetValue<string>()))
            .ToList();
        foreach (var prefix in wanted.Where(p => !routes.Any(r => r.Prefix == p && r.Hop == hop)))
        {
            await _arm.PutAsync($"{tableId}/routes/{RouteName(prefix)}", ArmApi.Network, new JsonObject
            {
                ["properties"] = new JsonObject { ["addressPrefix"] = prefix, ["nextHopType"] = "VirtualAppliance", ["nextHopIpAddress"] = hop },
            }, $"route {prefix} through {hop}", cancellationToken).ConfigureAwait(false);
        }
        foreach (var route in routes.Where(r => r.Hop == hop && (r.Prefix is null || !wanted.Contains(r.Prefix))))
        {
            await _arm.DeleteAsync($"{tableId}/routes/{route.Name}", ArmApi.Network, $"remove the route {route.Prefix} through {hop}", cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>One route per destination (a route table holds one per prefix): 10.78.0.0/24 → to-10.78.0.0-24.</summary>
    private static string RouteName(string prefix) => "to-" + prefix.Replace('/', '-');
}
