using System.Net;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.Azure.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>A static Standard public IP named after the node, put on the primary IP configuration of its NIC.</summary>
    public async Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var publicIp = await FindOrCreateAsync(request.ClusterId, ResourceTypes.PublicIp, request.Name, ArmApi.Network, $"public IP {request.Name}",
            new JsonObject { ["publicIPAllocationMethod"] = "Static", ["publicIPAddressVersion"] = "IPv4" }, cancellationToken,
            sku: new JsonObject { ["name"] = "Standard" }).ConfigureAwait(false);
        var nic = await _arm.GetAsync(request.PortId, ArmApi.Network, $"look up the NIC {SiteGroup.NameOf(request.PortId)}", cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(Site, $"the NIC {request.PortId} does not exist", "run `gridspan create` again to recreate it");
        var publicId = publicIp["id"]!.GetValue<string>();
        if (PrimaryConfiguration(nic)["properties"]?["publicIPAddress"]?["id"]?.GetValue<string>() != publicId)
        {
            var changed = (JsonObject)nic.DeepClone();
            PrimaryConfiguration(changed)["properties"]!["publicIPAddress"] = new JsonObject { ["id"] = publicId };
            await _arm.PutAsync(request.PortId, ArmApi.Network, changed, $"give the NIC {SiteGroup.NameOf(request.PortId)} the public IP {request.Name}",
                cancellationToken).ConfigureAwait(false);
        }
        var address = publicIp["properties"]?["ipAddress"]?.GetValue<string>() ?? throw GridSpanException.Provider(Site,
            $"Azure made the public IP {request.Name} without an address", "run `gridspan create` again");
        return new FloatingIpInfo(publicId, IPAddress.Parse(address), request.PortId);
    }

    /// <summary>Takes the public IP off the NIC that holds it (Azure refuses to delete one in use), then deletes it.</summary>
    private async Task DeletePublicIpAsync(string id, CancellationToken cancellationToken)
    {
        var name = SiteGroup.NameOf(id);
        var publicIp = await _arm.GetAsync(id, ArmApi.Network, $"look up the public IP {name}", cancellationToken).ConfigureAwait(false);
        if (publicIp is null)
        {
            return;
        }
        if (publicIp["properties"]?["ipConfiguration"]?["id"]?.GetValue<string>() is { } configuration)
        {
            var nicId = configuration[..configuration.IndexOf("/ipConfigurations/", StringComparison.OrdinalIgnoreCase)];
            if (await _arm.GetAsync(nicId, ArmApi.Network, $"look up the NIC {SiteGroup.NameOf(nicId)}", cancellationToken).ConfigureAwait(false) is { } nic)
            {
                foreach (var ipConfiguration in (nic["properties"]?["ipConfigurations"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    (ipConfiguration["properties"] as JsonObject)?.Remove("publicIPAddress");
                }
                await _arm.PutAsync(nicId, ArmApi.Network, nic, $"take the public IP {name} off the NIC {SiteGroup.NameOf(nicId)}", cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        await _arm.DeleteAsync(id, ArmApi.Network, $"delete the public IP {name}", cancellationToken).ConfigureAwait(false);
    }
}
