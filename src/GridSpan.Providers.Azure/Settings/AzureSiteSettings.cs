using System.Net;
using GridSpan.Config;

namespace GridSpan.Providers.Azure.Settings;

/// <summary>The `azure:` section of a site.</summary>
/// <param name="Subscription">The subscription (a GUID) the site's resource group is made in.</param>
/// <param name="Location">The Azure region of the site, e.g. westeurope.</param>
/// <param name="Cidr">The IPv4 block of the VNet and subnet GridSpan creates; null lets the planner choose.</param>
/// <param name="Endpoint">Azure Resource Manager's address: the public cloud's unless the site names another (a sovereign cloud, a test's fake).</param>
public sealed record AzureSiteSettings(string Subscription, string Location, IPNetwork? Cidr, Uri Endpoint) : ProviderSiteSettings
{
    /// <summary>Resource Manager of Azure's public cloud.</summary>
    public static Uri PublicCloud { get; } = new("https://management.azure.com/");

    public override IPNetwork? Subnet => Cidr;

    /// <summary>Azure VNets carry 1500-byte packets (larger up to 8000 only inside a VNet, and not through the internet).</summary>
    public override int? Mtu => 1500;

    /// <summary>Azure's documentation says custom data is not for secrets: the node's host key reaches it over SSH instead.</summary>
    public override bool BootDataMayHoldSecrets => false;
}
