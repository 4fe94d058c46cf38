using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Providers.Azure.Api;
using GridSpan.Providers.Azure.Selection;
using GridSpan.Providers.Azure.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

/// <summary>The `azure` provider: a site is a VNet in a resource group of its own, spoken to as ARM REST with a token of DefaultAzureCredential.</summary>
public sealed class AzureProviderDefinition : IProviderDefinition, IPreflightCheck, IFlavorLookup
{
    private readonly ArmAccess? _givenAccess;

    /// <summary>The provider with DefaultAzureCredential's chain (environment, workload identity, managed identity, Azure CLI, ...), made on first use.</summary>
    public AzureProviderDefinition()
    {
    }

    /// <summary>The provider with its own credential and waits (tests).</summary>
    public AzureProviderDefinition(ArmAccess access)
    {
        _givenAccess = access;
    }

    private ArmAccess Access => _givenAccess ?? ArmAccess.Default;

    public string Name => "azure";

    public string Description => "a VNet in a resource group of its own in an Azure subscription, with credentials from DefaultAzureCredential";

    public ObjectShape SettingsShape { get; } = new(
        "Settings of a site in an Azure region. Images are a marketplace URN publisher:offer:sku:version (version `latest` " +
        "for the newest) or the resource id of a compute gallery image or image version; flavors are VM sizes such as Standard_D2s_v5.",
        [
            new Field("subscription", new StringShape("The id (a GUID) of the subscription the site's resource group is made in.",
                Pattern: "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"), Required: true),
            new Field("location", new StringShape("The Azure region of the site, as ARM names it, e.g. westeurope.", Pattern: "[a-z][a-z0-9]{1,39}"), Required: true),
            new Field("cidr", new StringShape("The IPv4 block of the VNet and subnet GridSpan creates, e.g. 10.40.0.0/24; chosen by the planner when absent.", Format: "cidr")),
            new Field("endpoint", new StringShape("Azure Resource Manager's address for a sovereign cloud, e.g. https://management.chinacloudapi.cn/; the public cloud's when absent.",
                Format: "uri")),
        ]);

    public ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (section is null)
        {
            errors.Add(new ConfigError(default, "azure", "an Azure site needs an `azure:` section with `subscription:` and `location:`",
                "add `azure: { subscription: <subscription id>, location: <region such as westeurope> }` to the site"));
            return new AzureSiteSettings("", "", null, AzureSiteSettings.PublicCloud);
        }
        var subscription = section.GetString("subscription") ?? "";
        if (subscription.Length == 0)
        {
            errors.Add(new ConfigError(section.LocationOf("subscription"), section.PathOf("subscription"), "the subscription is missing",
                "write the subscription's id, e.g. `subscription: 00000000-0000-0000-0000-000000000000` (`az account show --query id`)"));
        }
        var location = section.GetString("location") ?? "";
        if (location.Length == 0)
        {
            errors.Add(new ConfigError(section.LocationOf("location"), section.PathOf("location"), "the location is missing",
                "write the site's Azure region, e.g. `location: westeurope` (`az account list-locations --query [].name`)"));
        }
        IPNetwork? cidr = null;
        if (section.GetString("cidr") is { } cidrText)
        {
            // Azure keeps five addresses of every subnet, so a /29 holds three nodes and is the smallest it accepts.
            if (Ipv4Range.Parse(cidrText, 8, 29, out _) is { } parsed)
            {
                cidr = parsed;
            }
            else
            {
                errors.Add(new ConfigError(section.LocationOf("cidr"), section.PathOf("cidr"),
                    $"'{cidrText}' is not an IPv4 block between /8 and /29 (what an Azure subnet may have) with its host bits zero",
                    "write a network address and prefix such as 10.40.0.0/24"));
            }
        }
        var endpoint = AzureSiteSettings.PublicCloud;
        if (section.GetString("endpoint") is { } endpointText)
        {
            if (Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" && parsed.Query.Length == 0)
            {
                endpoint = parsed.AbsolutePath.EndsWith('/') ? parsed : new Uri(parsed + "/");
            }
            else
            {
                errors.Add(new ConfigError(section.LocationOf("endpoint"), section.PathOf("endpoint"),
                    $"'{endpointText}' is not the address of an Azure Resource Manager",
                    "write an https address such as https://management.usgovcloudapi.net/, or remove `endpoint` for Azure's public cloud"));
            }
        }
        return new AzureSiteSettings(subscription, location, cidr, endpoint);
    }

    /// <summary>VM sizes are Azure's to say: <see cref="LookupFlavorsAsync"/> asks its resource SKUs (create, check).</summary>
    public FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor) => null;

    public ValueProblem? CheckFlavor(string flavor) =>
        VmSizeName.IsValid(flavor) ? null
            : FlavorMinimum.Is(flavor) ? new ValueProblem($"minimums such as '{flavor}' are not read for Azure sites yet",
                "name a VM size such as Standard_D2s_v5 (`az vm list-sizes --location <region>`)")
            : new ValueProblem($"'{flavor}' is not an Azure VM size name", "write a VM size such as Standard_D2s_v5 (`az vm list-sizes --location <region>`)");

    public ValueProblem? CheckImage(string image) =>
        AzureImage.Parse(image) is null
            ? new ValueProblem($"'{image}' is neither a marketplace image URN nor a compute gallery image id",
                "write publisher:offer:sku:version such as 'Debian:debian-12:12-gen2:latest', or /subscriptions/.../galleries/<gallery>/images/<image>")
            : null;

    /// <summary>vCPUs and memory of each VM size from the location's resource SKUs; sizes the location does not offer are left out.</summary>
    public async Task<IReadOnlyDictionary<string, FlavorSize>> LookupFlavorsAsync(SiteSpec site, IReadOnlyCollection<(string Flavor, string Image)> flavors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(flavors);
        using var arm = Access.Connect(site.Name, (AzureSiteSettings)site.Settings);
        var sizes = await new VmSizes(arm, (AzureSiteSettings)site.Settings).ListAsync(cancellationToken).ConfigureAwait(false);
        return flavors.Select(f => f.Flavor).Distinct(StringComparer.Ordinal)
            .Where(sizes.ContainsKey)
            .ToDictionary(f => f, f => new FlavorSize(sizes[f].Cpus, sizes[f].MemoryMiB), StringComparer.Ordinal);
    }

    public ISiteProvider Connect(SiteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var settings = connection.Site.Settings as AzureSiteSettings
            ?? throw new ArgumentException($"site '{connection.Site.Name}' is not an Azure site", nameof(connection));
        return new AzureSiteProvider(connection.Site.Name, settings, Access.Connect(connection.Site.Name, settings));
    }

    /// <remarks>Azure is asked over ARM: nothing runs on this machine.</remarks>
    public async Task<ImmutableArray<CheckFinding>> CheckAsync(ClusterSpec spec, Plan.ClusterPlan plan, ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sites = spec.Sites.Where(s => s.Provider == Name).ToList();
        var findings = await Task.WhenAll(sites.Select(s => new Check.AzureCheck(Access).CheckSiteAsync(s, cancellationToken))).ConfigureAwait(false);
        return [.. findings.SelectMany(f => f)];
    }
}
