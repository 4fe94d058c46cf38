using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.Azure.Api;
using GridSpan.Providers.Azure.Selection;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>The account Azure makes on the VM with the cluster's key (the same GridSpan's cloud-init makes elsewhere).</summary>
    private const string AdminUser = Render.CloudInitRenderer.AdminUser;

    /// <summary>Azure takes at most 64 KiB of custom data, base64-encoded.</summary>
    private const int MaxCustomData = 65536;

    /// <summary>
    /// Starts a VM on the node's NIC with the cloud-init user data as custom data, the cluster's key for
    /// <see cref="AdminUser"/>, a system-assigned identity (what a role assignment can name), boot diagnostics on (the
    /// console log is where the node's own host key is read from) and an OS disk deleted with the VM. A VM of that name
    /// is returned as it is: its PUT would be an update. Returns at once; <see cref="GetServerAsync"/> says when it runs.
    /// </summary>
    public async Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var group = GroupOf(request.ClusterId);
        var id = group.Of(ResourceTypes.VirtualMachine, request.Name);
        if (await GetServerAsync(id, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }
        var image = AzureImage.Parse(request.Image) ?? throw GridSpanException.Provider(Site,
            $"'{request.Image}' is neither a marketplace image URN nor a compute gallery image id", "write publisher:offer:sku:version or a gallery image's id");
        var customData = CustomData(request);
        var key = await PublicKeyAsync(group, request.KeyPairName, cancellationToken).ConfigureAwait(false);
        var osProfile = new JsonObject
        {
            ["computerName"] = request.Name,
            ["adminUsername"] = AdminUser,
            ["linuxConfiguration"] = new JsonObject
            {
                ["disablePasswordAuthentication"] = true,
                ["ssh"] = new JsonObject
                {
                    ["publicKeys"] = new JsonArray(new JsonObject { ["path"] = $"/home/{AdminUser}/.ssh/authorized_keys", ["keyData"] = key.Trim() }),
                },
            },
        };
        if (customData is not null)
        {
            osProfile["customData"] = customData;
        }
        var vm = await _arm.BeginPutAsync(id, ArmApi.Compute, new JsonObject
        {
            ["location"] = _settings.Location,
            ["tags"] = AzureTags.Of(request.ClusterId, request.Metadata),
            ["identity"] = new JsonObject { ["type"] = "SystemAssigned" },
            ["properties"] = new JsonObject
            {
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = request.Flavor },
                ["storageProfile"] = new JsonObject
                {
                    ["imageReference"] = image.Reference(image.Version ?? "latest"),
                    ["osDisk"] = new JsonObject
                    {
                        ["createOption"] = "FromImage",
                        ["deleteOption"] = "Delete",
                        ["managedDisk"] = new JsonObject { ["storageAccountType"] = "StandardSSD_LRS" },
                    },
                },
                ["osProfile"] = osProfile,
                ["networkProfile"] = new JsonObject
                {
                    ["networkInterfaces"] = new JsonArray(new JsonObject
                    {
                        ["id"] = request.PortId,
                        ["properties"] = new JsonObject { ["primary"] = true, ["deleteOption"] = "Detach" },
                    }),
                },
                ["diagnosticsProfile"] = new JsonObject { ["bootDiagnostics"] = new JsonObject { ["enabled"] = true } },
            },
        }, $"create the VM {request.Name} ({request.Flavor})", cancellationToken).ConfigureAwait(false);
        return new ServerInfo(vm["id"]?.GetValue<string>() ?? id, request.Name, ServerStatus.Building, [], [], null);
    }

    /// <summary>
    /// The VM as a server: Creating/Updating → building; Succeeded → active once its console shows its host key (the
    /// first login pins it); Failed, Canceled and Deleting → error, with ARM's reason. Null when it does not exist.
    /// </summary>
    public async Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken)
    {
        var name = SiteGroup.NameOf(serverId);
        var vm = await _arm.GetAsync(serverId + "?$expand=instanceView", ArmApi.Compute, $"look up the VM {name}", cancellationToken).ConfigureAwait(false);
        if (vm is null)
        {
            return null;
        }
        var state = vm["properties"]?["provisioningState"]?.GetValue<string>() ?? "";
        var addresses = await AddressesOfAsync(vm, cancellationToken).ConfigureAwait(false);
        switch (state)
        {
            case "Succeeded":
                var hostKeys = await HostKeysAsync(serverId, cancellationToken).ConfigureAwait(false);
                return new ServerInfo(serverId, name, hostKeys.IsEmpty ? ServerStatus.Building : ServerStatus.Active, addresses, hostKeys, null);
            case "Failed" or "Canceled" or "Deleting":
                return new ServerInfo(serverId, name, ServerStatus.Error, addresses, [], $"the VM's provisioning state is {state}: {FaultOf(vm)}");
            default:
                return new ServerInfo(serverId, name, ServerStatus.Building, addresses, [], null);
        }
    }

    /// <summary>The user data as custom data (base64), refused when it holds a private key: Azure says custom data is not for secrets.</summary>
    private string? CustomData(ServerRequest request)
    {
        if (request.UserData is null)
        {
            return null;
        }
        if (request.UserData.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw GridSpanException.Provider(Site, $"the user data of {request.Name} holds a private key, and Azure's custom data is not for secrets",
                "this is a GridSpan bug: an Azure site's user data is rendered without the host key, which reaches the node over SSH");
        }
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(request.UserData));
        return encoded.Length <= MaxCustomData ? encoded : throw GridSpanException.Provider(Site,
            $"the user data of {request.Name} is {encoded.Length} bytes in base64, more than the {MaxCustomData} Azure accepts as custom data");
    }

    private static string FaultOf(JsonObject vm) =>
        (vm["properties"]?["instanceView"]?["statuses"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(s => s["code"]?.GetValue<string>()?.StartsWith("ProvisioningState/", StringComparison.Ordinal) == true)
            .Select(s => s["message"]?.GetValue<string>() ?? s["code"]!.GetValue<string>())
            .FirstOrDefault() ?? "Azure gives no reason";

    /// <summary>The VM's private address and, when its NIC has one, its public address.</summary>
    private async Task<ImmutableArray<IPAddress>> AddressesOfAsync(JsonObject vm, CancellationToken cancellationToken)
    {
        var nicId = (vm["properties"]?["networkProfile"]?["networkInterfaces"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(n => n["id"]?.GetValue<string>()).OfType<string>().FirstOrDefault();
        if (nicId is null || await _arm.GetAsync(nicId, ArmApi.Network, $"look up the NIC {SiteGroup.NameOf(nicId)}", cancellationToken).ConfigureAwait(false) is not { } nic)
        {
            return [];
        }
        var addresses = new List<IPAddress> { AddressOf(nic) };
        if (PrimaryConfiguration(nic)["properties"]?["publicIPAddress"]?["id"]?.GetValue<string>() is { } publicId
            && await _arm.GetAsync(publicId, ArmApi.Network, $"look up the public IP {SiteGroup.NameOf(publicId)}", cancellationToken).ConfigureAwait(false) is { } publicIp
            && publicIp["properties"]?["ipAddress"]?.GetValue<string>() is { } publicAddress)
        {
            addresses.Add(IPAddress.Parse(publicAddress));
        }
        return [.. addresses];
    }
}
