using System.Text.Json.Nodes;
using GridSpan.Providers.Azure.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>
    /// Deletes one resource the way ARM accepts it; what is gone already is no error. GridSpan deletes kinds in the order
    /// of <see cref="ResourceKind"/>, which ARM needs: public IPs (taken off their NIC first), VMs (with their OS disks),
    /// NICs (with the routes through them), route tables (taken off their subnets first), subnets, VNets, network
    /// security groups, SSH public keys.
    /// </summary>
    public async Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var id = resource.Id;
        var name = SiteGroup.NameOf(id);
        switch (resource.Kind)
        {
            case ResourceKind.FloatingIp:
                await DeletePublicIpAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Server:
                await _arm.DeleteAsync(id, ArmApi.Compute, $"delete the VM {name}", cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Port:
                await DeleteNicAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Router:
                await DeleteRouteTableAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Subnet:
                await _arm.DeleteAsync(id, ArmApi.Network, $"delete the subnet {name}", cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Network:
                await _arm.DeleteAsync(id, ArmApi.Network, $"delete the VNet {name}", cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.SecurityGroup:
                await _arm.DeleteAsync(id, ArmApi.Network, $"delete the network security group {name}", cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.KeyPair:
                await _arm.DeleteAsync(id, ArmApi.Compute, $"delete the SSH public key {name}", cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(resource), resource.Kind, "unknown resource kind");
        }
    }

    /// <summary>Removes the site's resource group of the cluster once terminate has deleted everything in it; a group that is gone is no error.</summary>
    public async Task ReleaseSiteAsync(string clusterId, CancellationToken cancellationToken)
    {
        var group = GroupOf(clusterId);
        var existing = await _arm.GetAsync(group.Id, ArmApi.Resources, $"look up the resource group {group.Name}", cancellationToken).ConfigureAwait(false);
        if (existing is not null && AzureTags.ClusterOf(existing) == clusterId)
        {
            await _arm.DeleteAsync(group.Id, ArmApi.Resources, $"delete the resource group {group.Name}", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteNicAsync(string id, CancellationToken cancellationToken)
    {
        var nic = await _arm.GetAsync(id, ArmApi.Network, $"look up the NIC {SiteGroup.NameOf(id)}", cancellationToken).ConfigureAwait(false);
        if (nic is null)
        {
            return;
        }
        if (await RouteTableOfAsync(nic, cancellationToken).ConfigureAwait(false) is { } table)
        {
            await RouteThroughAsync(table, AddressOf(nic), new HashSet<string>(), cancellationToken).ConfigureAwait(false);
        }
        await _arm.DeleteAsync(id, ArmApi.Network, $"delete the NIC {SiteGroup.NameOf(id)}", cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteRouteTableAsync(string id, CancellationToken cancellationToken)
    {
        var name = SiteGroup.NameOf(id);
        var table = await _arm.GetAsync(id, ArmApi.Network, $"look up the route table {name}", cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            return;
        }
        foreach (var subnetId in (table["properties"]?["subnets"] as JsonArray ?? []).OfType<JsonObject>().Select(s => s["id"]?.GetValue<string>()).OfType<string>())
        {
            if (await _arm.GetAsync(subnetId, ArmApi.Network, $"look up the subnet {SiteGroup.NameOf(subnetId)}", cancellationToken).ConfigureAwait(false) is { } subnet)
            {
                (subnet["properties"] as JsonObject)?.Remove("routeTable");
                await _arm.PutAsync(subnetId, ArmApi.Network, subnet, $"take the route table {name} off the subnet {SiteGroup.NameOf(subnetId)}", cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        await _arm.DeleteAsync(id, ArmApi.Network, $"delete the route table {name}", cancellationToken).ConfigureAwait(false);
    }
}
