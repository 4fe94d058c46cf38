using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

/// <summary>The `openstack` provider: a site is a project of an OpenStack cloud, named by a clouds.yaml entry.</summary>
public sealed class OpenStackProviderDefinition : IProviderDefinition, IPreflightCheck
{
    private readonly Clouds.CloudsFileLocator _locator;
    private readonly Master.IssuedMasterCredentials _issued = new();

    internal OpenStackProviderDefinition(Clouds.CloudsFileLocator locator)
    {
        _locator = locator;
    }

    /// <summary>The provider, finding clouds.yaml where the environment says (OS_CLIENT_CONFIG_FILE, XDG_CONFIG_HOME, HOME).</summary>
    public static OpenStackProviderDefinition For(Common.HostEnvironment environment) => new(Clouds.CloudsFileLocator.For(environment));

    public string Name => "openstack";

    public string Description => "a project of an OpenStack cloud, named by an entry of clouds.yaml";

    public ObjectShape SettingsShape { get; } = new(
        "Settings of a site on an OpenStack cloud. Images may be a name or a /regular expression/ (the newest " +
        "matching image wins); flavors a name or minimums such as 'cpus>=2 ram>=4GiB' (the smallest match wins).",
        [
            new Field("cloud", new StringShape("The entry of clouds.yaml (and secure.yaml) that holds the cloud's endpoint and credentials."), Required: true),
            new Field("network", new StringShape("An existing network (name or id) for the site's nodes; when absent GridSpan creates one.")),
            new Field("subnet", new StringShape("With `network`: which of its subnets to use (name or id); its only IPv4 subnet when absent.")),
            new Field("cidr", new StringShape("The IPv4 subnet of the network GridSpan creates, e.g. 10.20.0.0/24; chosen by the planner when absent.", Format: "cidr")),
            new Field("externalNetwork", new StringShape("The external network for floating IPs and the router (name or id); the cloud's only external network when absent.")),
            new Field("securityGroups", new ListShape("Existing security groups (names or ids) added to every node's port.", new StringShape("A security group name or id."))),
            new Field("availabilityZone", new StringShape("The availability zone for servers; the cloud's default when absent.")),
            new Field("bootVolumeSize", new IntegerShape("Boot servers from a new volume of this many GiB instead of the flavor's disk.", 1, 65536)),
            new Field("mtu", new IntegerShape("The MTU of the network GridSpan creates, when the cloud allows choosing it.", 1280, 9000)),
        ]);

    public ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (section is null)
        {
            errors.Add(new ConfigError(default, "openstack", "an OpenStack site needs an `openstack:` section with at least `cloud:`",
                "add `openstack: { cloud: <entry of clouds.yaml> }` to the site"));
            return new OpenStackSiteSettings("", null, null, null, null, [], null, null, null);
        }
        var cloud = section.GetString("cloud") ?? "";
        if (cloud.Length == 0)
        {
            errors.Add(new ConfigError(section.LocationOf("cloud"), section.PathOf("cloud"), "the cloud is missing",
                "write the name of an entry of your clouds.yaml, e.g. `cloud: openstack`"));
        }
        var network = section.GetString("network");
        var subnet = section.GetString("subnet");
        IPNetwork? cidr = null;
        const string cidrKey = "cidr";
        var cidrText = section.GetString("cidr");
        if (network is null && subnet is not null)
        {
            errors.Add(new ConfigError(section.LocationOf("subnet"), section.PathOf("subnet"),
                "`subnet` names a subnet of an existing network, but `network` is not set",
                "add `network:` with the existing network, or write the subnet to create as `cidr:`"));
        }
        if (cidrText is not null)
        {
            if (network is not null)
            {
                errors.Add(new ConfigError(section.LocationOf("cidr"), section.PathOf("cidr"),
                    "`cidr` is the subnet of a network GridSpan creates, but `network` names an existing one",
                    "remove `cidr`, or remove `network` to let GridSpan create the network"));
            }
            else if (Ipv4Range.Parse(cidrText, 16, 29, out _) is { } parsed)
            {
                cidr = parsed;
            }
            else
            {
                errors.Add(new ConfigError(section.LocationOf(cidrKey), section.PathOf(cidrKey),
                    $"'{cidrText}' is not an IPv4 subnet between /16 and /29 with its host bits zero",
                    "write a network address and prefix such as 10.20.0.0/24"));
            }
        }
        var mtu = section.GetInteger("mtu") is { } m ? (int)m : (int?)null;
        if (mtu is not null && network is not null)
        {
            errors.Add(new ConfigError(section.LocationOf("mtu"), section.PathOf("mtu"),
                "`mtu` applies to a network GridSpan creates, but `network` names an existing one",
                "remove `mtu`; GridSpan reads the existing network's MTU from the cloud"));
        }
        var bootVolume = section.GetInteger("bootVolumeSize") is { } size ? (int)size : (int?)null;
        return new OpenStackSiteSettings(
            cloud,
            network,
            subnet,
            cidr,
            section.GetString("externalNetwork"),
            section.GetStrings("securityGroups").Distinct(StringComparer.Ordinal).ToImmutableArray(),
            section.GetString("availabilityZone"),
            bootVolume,
            mtu);
    }

    /// <summary>OpenStack flavors are the cloud's own: their size is known only by asking it (`gridspan check`).</summary>
    public FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor) => null;

    /// <summary>A flavor is the cloud's name or id (only the cloud knows those), or minimums, which must read as such.</summary>
    public ValueProblem? CheckFlavor(string flavor) => FlavorMinimum.Problem(flavor);

    public ValueProblem? CheckImage(string image) =>
        Selection.ImageSelector.IsPattern(image) && Selection.ImageSelector.Compile(image, out var problem) is null
            ? new ValueProblem(problem!, Selection.ImageSelector.PatternFix)
            : null;

    public ISiteProvider Connect(SiteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return OpenStackSiteProvider.Connect(connection, _locator, _issued);
    }

    /// <remarks>OpenStack is asked over its APIs: nothing runs on this machine.</remarks>
    public Task<ImmutableArray<CheckFinding>> CheckAsync(ClusterSpec spec, Plan.ClusterPlan plan, Common.ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new Check.OpenStackCheck(_locator).CheckSitesAsync([.. spec.Sites.Where(s => s.Provider == Name)], cancellationToken);
    }
}
