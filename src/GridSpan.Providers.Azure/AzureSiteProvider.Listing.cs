using System.Collections.Immutable;
using System.Text.Json.Nodes;
using GridSpan.Providers.Azure.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>What kind of GridSpan resource each ARM type GridSpan makes is.</summary>
    private static readonly Dictionary<string, ResourceKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        [ResourceTypes.PublicIp] = ResourceKind.FloatingIp,
        [ResourceTypes.VirtualMachine] = ResourceKind.Server,
        [ResourceTypes.NetworkInterface] = ResourceKind.Port,
        [ResourceTypes.RouteTable] = ResourceKind.Router,
        [ResourceTypes.VirtualNetwork] = ResourceKind.Network,
        [ResourceTypes.SecurityGroup] = ResourceKind.SecurityGroup,
        [ResourceTypes.SshPublicKey] = ResourceKind.KeyPair,
    };

    /// <summary>
    /// Everything in the site's resource group of the cluster that carries the cluster's tag (ARM's tag filter), and
    /// the subnets of its VNets (subnets take no tags: they are the VNet's). The group itself is not a resource of the
    /// cluster's: <see cref="ReleaseSiteAsync"/> removes it once nothing is left in it.
    /// </summary>
    public async Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var group = GroupOf(clusterId);
        var tagged = await _arm.ListAsync(group.Id + "/resources", ArmApi.Resources, $"list the resources of cluster {clusterId}", cancellationToken,
            AzureTags.Filter(clusterId)).ConfigureAwait(false);
        var found = new List<CloudResource>();
        foreach (var resource in tagged.Where(r => AzureTags.ClusterOf(r) == clusterId))
        {
            if (resource["type"]?.GetValue<string>() is not { } type || !Kinds.TryGetValue(type, out var kind))
            {
                continue;
            }
            var id = resource["id"]!.GetValue<string>();
            found.Add(new CloudResource(kind, id, resource["name"]?.GetValue<string>() ?? SiteGroup.NameOf(id), clusterId));
            if (kind == ResourceKind.Network
                && await _arm.GetAsync(id, ArmApi.Network, $"look up the VNet {SiteGroup.NameOf(id)}", cancellationToken).ConfigureAwait(false) is { } vnet)
            {
                found.AddRange((vnet["properties"]?["subnets"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(s => new CloudResource(ResourceKind.Subnet, s["id"]!.GetValue<string>(), s["name"]!.GetValue<string>(), clusterId)));
            }
        }
        return [.. found.OrderBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }
}
