using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.Azure.Api;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>Azure's built-in Contributor role: manage everything in the scope, but grant no access to anyone.</summary>
    internal const string ContributorRole = "b24988ac-6180-42a0-ab88-20f7382dd24c";

    /// <summary>On the master, the file that names the identity its Azure permissions belong to (no secret).</summary>
    public const string MasterMarker = "/etc/gridspan/azure/master-identity.json";

    /// <summary>
    /// Gives the master Azure permissions the Azure way, without sending it any secret: its VM's system-assigned identity
    /// gets the Contributor role on this site's resource group of the cluster, and nothing beyond it; DefaultAzureCredential
    /// on the master then finds the identity's tokens itself (managed identity). The assignment's name is derived from the
    /// cluster and the group, so a repeated call finds it; one for an identity the master no longer has is replaced.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> MasterCredentialsAsync(
        string clusterId, IReadOnlyDictionary<string, string> issuedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var principal = await MasterPrincipalAsync(clusterId, cancellationToken).ConfigureAwait(false);
        var group = GroupOf(clusterId);
        var assignmentId = RoleAssignmentId(clusterId, group);
        var what = $"let the master's identity ({principal}) manage the resource group {group.Name} (role Contributor)";
        var existing = await _arm.GetAsync(assignmentId, ArmApi.Authorization, $"look up the master's role assignment in {group.Name}", cancellationToken)
            .ConfigureAwait(false);
        var assigned = existing?["properties"]?["principalId"]?.GetValue<string>();
        if (assigned is not null && assigned != principal)
        {
            await _arm.DeleteAsync(assignmentId, ArmApi.Authorization, $"remove the role assignment of the master's former identity ({assigned})", cancellationToken)
                .ConfigureAwait(false);
        }
        if (assigned != principal)
        {
            await _arm.PutAsync(assignmentId, ArmApi.Authorization, new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["roleDefinitionId"] = $"/subscriptions/{_settings.Subscription}/providers/Microsoft.Authorization/roleDefinitions/{ContributorRole}",
                    ["principalId"] = principal,
                    ["principalType"] = "ServicePrincipal",
                    ["description"] = $"The master of GridSpan cluster {clusterId} creates and removes the site's on-demand nodes; `gridspan terminate` removes it.",
                },
            }, what, cancellationToken).ConfigureAwait(false);
        }
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MasterMarker] = new JsonObject { ["cluster"] = clusterId, ["principalId"] = principal }.ToJsonString() + "\n",
        };
    }

    /// <summary>Removes the master's role assignment on this site's resource group; one that is gone (or whose group is) is no error.</summary>
    public async Task RevokeMasterCredentialsAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var group = GroupOf(clusterId);
        await _arm.DeleteAsync(RoleAssignmentId(clusterId, group), ArmApi.Authorization, $"remove the master's role assignment in {group.Name}", cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The principal of the master VM's system-assigned identity, found by the cluster's tag and `gridspan-role=master` in the subscription.</summary>
    private async Task<string> MasterPrincipalAsync(string clusterId, CancellationToken cancellationToken)
    {
        var tagged = await _arm.ListAsync($"/subscriptions/{_settings.Subscription}/resources", ArmApi.Resources,
            $"look for the master VM of cluster {clusterId}", cancellationToken, AzureTags.Filter(clusterId)).ConfigureAwait(false);
        var master = tagged.FirstOrDefault(r => string.Equals(r["type"]?.GetValue<string>(), ResourceTypes.VirtualMachine, StringComparison.OrdinalIgnoreCase)
            && r["tags"]?["gridspan-role"]?.GetValue<string>() == "master");
        var vm = master is null ? null
            : await _arm.GetAsync(master["id"]!.GetValue<string>(), ArmApi.Compute, "look up the master VM", cancellationToken).ConfigureAwait(false);
        return vm?["identity"]?["principalId"]?.GetValue<string>() ?? throw GridSpanException.Provider(Site,
            $"found no master VM of cluster {clusterId} with a system-assigned identity in subscription {_settings.Subscription}, so the master cannot be " +
            "allowed to create this site's on-demand nodes",
            "put the master in an Azure site of the same subscription, or give this site's workers no `onDemand` count: a master in another cloud " +
            "would need a secret, which GridSpan does not hand out for Azure");
    }

    /// <summary>Role assignments are named by a GUID: this one is derived from the cluster and the group, so every call names the same.</summary>
    internal static string RoleAssignmentId(string clusterId, Api.SiteGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"gridspan-master\n{clusterId}\n{group.Id}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return $"{group.Id}/providers/Microsoft.Authorization/roleAssignments/{new Guid(hash.AsSpan(0, 16), bigEndian: true)}";
    }
}
