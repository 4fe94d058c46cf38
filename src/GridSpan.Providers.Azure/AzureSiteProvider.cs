using System.Text.Json.Nodes;
using GridSpan.Providers.Azure.Api;
using GridSpan.Providers.Azure.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

/// <summary>
/// One Azure site of one cluster: a resource group of its own (<see cref="SiteGroup"/>) holding a VNet with one subnet,
/// a route table on that subnet, network security groups, SSH public keys, NICs, public IPs and VMs. Everything carries
/// the tag `gridspan-cluster=&lt;cluster id&gt;` from the PUT that creates it, and is named as GridSpan names it, so a
/// create that is run again finds what exists (ARM's PUT is idempotent by resource id). GridSpan's resource kinds map
/// to ARM as: network = VNet, subnet = its subnet, router = route table, security group = NSG, key pair = SSH public
/// key, port = NIC, server = VM, floating IP = public IP.
/// </summary>
public sealed partial class AzureSiteProvider : ISiteProvider
{
    private readonly AzureSiteSettings _settings;
    private readonly ArmClient _arm;

    internal AzureSiteProvider(string site, AzureSiteSettings settings, ArmClient arm)
    {
        Site = site;
        _settings = settings;
        _arm = arm;
    }

    /// <summary>Connects to a site directly (tests, `check`).</summary>
    public static AzureSiteProvider Connect(string site, AzureSiteSettings settings, ArmAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        return new AzureSiteProvider(site, settings, access.Connect(site, settings));
    }

    private string Site { get; }

    private SiteGroup GroupOf(string clusterId) => SiteGroup.For(_settings.Subscription, clusterId, Site);

    /// <summary>
    /// The resource of the cluster's resource group in this site as ARM holds it or, when it is missing, made (with the
    /// group, when that is missing too) in the site's location with the cluster's tag. What exists is not PUT again:
    /// that would reset what it holds (a VNet's subnet, a group's rules, a NIC's public IP).
    /// </summary>
    /// <param name="what">The resource as messages name it, e.g. "VNet net (10.40.0.0/24)".</param>
    private async Task<JsonObject> FindOrCreateAsync(string clusterId, string type, string name, string apiVersion, string what, JsonObject properties,
        CancellationToken cancellationToken, JsonObject? sku = null)
    {
        var id = GroupOf(clusterId).Of(type, name);
        if (await _arm.GetAsync(id, apiVersion, $"look up the {what}", cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }
        await EnsureGroupAsync(clusterId, cancellationToken).ConfigureAwait(false);
        var body = new JsonObject { ["location"] = _settings.Location, ["tags"] = AzureTags.Of(clusterId), ["properties"] = properties };
        if (sku is not null)
        {
            body["sku"] = sku;
        }
        return await _arm.PutAsync(id, apiVersion, body, $"create the {what}", cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _arm.Dispose();
        return ValueTask.CompletedTask;
    }
}
