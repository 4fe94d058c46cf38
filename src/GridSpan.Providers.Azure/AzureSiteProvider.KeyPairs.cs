using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.Azure.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>An SSH public key resource; VMs get its key as their admin user's authorized key.</summary>
    public async Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = await FindOrCreateAsync(request.ClusterId, ResourceTypes.SshPublicKey, request.Name, ArmApi.Compute, $"SSH public key {request.Name}",
            new JsonObject { ["publicKey"] = request.PublicKey.Trim() }, cancellationToken).ConfigureAwait(false);
        return new KeyPairInfo(key["id"]!.GetValue<string>(), request.Name);
    }

    private async Task<string> PublicKeyAsync(SiteGroup group, string name, CancellationToken cancellationToken)
    {
        var key = await _arm.GetAsync(group.Of(ResourceTypes.SshPublicKey, name), ArmApi.Compute, $"look up the SSH public key {name}", cancellationToken)
            .ConfigureAwait(false);
        return key?["properties"]?["publicKey"]?.GetValue<string>()
            ?? throw GridSpanException.Provider(Site, $"the SSH public key {name} does not exist in the resource group {group.Name}",
                "run `gridspan create` again to make it");
    }
}
