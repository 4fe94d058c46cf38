using System.Net;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.Azure.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>Azure carries 1500-byte packets through a VNet's gateways and to the internet.</summary>
    private const int VnetMtu = 1500;

    /// <summary>
    /// The site's resource group, a route table (the "router": forwarding nodes add their routes to it), and a VNet whose
    /// block is the site's subnet with one subnet of the same block that uses the route table. What exists is kept.
    /// </summary>
    public async Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = await FindOrCreateAsync(request.ClusterId, ResourceTypes.RouteTable, request.Name + "-routes", ArmApi.Network,
            $"route table {request.Name}-routes", new JsonObject { ["disableBgpRoutePropagation"] = true, ["routes"] = new JsonArray() }, cancellationToken).ConfigureAwait(false);
        var vnet = await FindOrCreateAsync(request.ClusterId, ResourceTypes.VirtualNetwork, request.Name, ArmApi.Network, $"VNet {request.Name} ({request.Cidr})",
            new JsonObject
            {
                ["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray(request.Cidr.ToString()) },
                ["subnets"] = new JsonArray(new JsonObject
                {
                    ["name"] = request.Name + "-subnet",
                    ["properties"] = new JsonObject
                    {
                        ["addressPrefix"] = request.Cidr.ToString(),
                        ["routeTable"] = new JsonObject { ["id"] = table["id"]!.GetValue<string>() },
                    },
                }),
            }, cancellationToken).ConfigureAwait(false);
        var subnet = SubnetOf(vnet);
        return new NetworkInfo(vnet["id"]!.GetValue<string>(), request.Name, subnet["id"]!.GetValue<string>(),
            IPNetwork.Parse(subnet["properties"]!["addressPrefix"]!.GetValue<string>()), Math.Min(request.Mtu, VnetMtu), table["id"]!.GetValue<string>());
    }

    /// <summary>The site's resource group of the cluster, in the site's location, tagged with the cluster.</summary>
    private async Task<SiteGroup> EnsureGroupAsync(string clusterId, CancellationToken cancellationToken)
    {
        var group = GroupOf(clusterId);
        if (await _arm.GetAsync(group.Id, ArmApi.Resources, $"look up the resource group {group.Name}", cancellationToken).ConfigureAwait(false) is null)
        {
            await _arm.PutAsync(group.Id, ArmApi.Resources, new JsonObject
            {
                ["location"] = _settings.Location,
                ["tags"] = AzureTags.Of(clusterId),
            }, $"create the resource group {group.Name} in {_settings.Location}", cancellationToken).ConfigureAwait(false);
        }
        return group;
    }

    private JsonObject SubnetOf(JsonObject vnet) =>
        (vnet["properties"]?["subnets"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()
        ?? throw GridSpanException.Provider(Site, $"the VNet {vnet["name"]} has no subnet",
            "delete the VNet (or run `gridspan terminate`) and run `gridspan create` again");

    /// <summary>The subnet of a VNet GridSpan made, as ARM holds it now.</summary>
    private async Task<JsonObject> SubnetOfNetworkAsync(string vnetId, CancellationToken cancellationToken)
    {
        var vnet = await _arm.GetAsync(vnetId, ArmApi.Network, $"look up the VNet {SiteGroup.NameOf(vnetId)}", cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(Site, $"the VNet {vnetId} does not exist", "run `gridspan create` again to make the site's network");
        return SubnetOf(vnet);
    }
}
