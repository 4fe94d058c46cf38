using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;

namespace GridSpan.Providers.OpenStack.Settings;

/// <summary>The `openstack:` section of a site.</summary>
/// <param name="Cloud">The entry of clouds.yaml to use.</param>
/// <param name="Network">An existing network (name or id) to put the site's nodes on, or null to create one.</param>
/// <param name="SubnetName">The subnet of <paramref name="Network"/> to use (name or id), or null for its only IPv4 subnet.</param>
/// <param name="Cidr">The subnet to create when no network is given; null lets the planner choose.</param>
/// <param name="ExternalNetwork">The network floating IPs and the router's gateway come from (name or id); null picks the cloud's only external network.</param>
/// <param name="SecurityGroups">Existing security groups (names or ids) added to every port besides the cluster's own.</param>
/// <param name="AvailabilityZone">The availability zone servers are created in, or null for the cloud's default.</param>
/// <param name="BootVolumeSize">When set, servers boot from a new volume of this many GiB (deleted with the server) instead of the flavor's disk.</param>
/// <param name="MtuOrNull">The MTU of the network to create, when the cloud allows choosing it.</param>
public sealed record OpenStackSiteSettings(
    string Cloud,
    string? Network,
    string? SubnetName,
    IPNetwork? Cidr,
    string? ExternalNetwork,
    ImmutableArray<string> SecurityGroups,
    string? AvailabilityZone,
    int? BootVolumeSize,
    int? MtuOrNull) : ProviderSiteSettings
{
    public override IPNetwork? Subnet => Cidr;

    public override int? Mtu => MtuOrNull;

    /// <summary>True when the site uses a network that exists already instead of creating one.</summary>
    public bool UsesExistingNetwork => Network is not null;
}
