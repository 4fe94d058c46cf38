using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Providers.Aws.Api;
using GridSpan.Providers.Aws.Selection;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

/// <summary>The `aws` provider: a site is a VPC in an AWS region, reached with the SDK's own credentials and endpoints.</summary>
public sealed class AwsProviderDefinition : IProviderDefinition, IPreflightCheck, IFlavorLookup
{
    private readonly AwsEndpoint _endpoint;

    /// <summary>The provider with the SDK's standard settings; no variable of the process environment is read by GridSpan itself.</summary>
    public AwsProviderDefinition()
        : this(AwsEndpoint.Standard)
    {
    }

    /// <summary>The provider whose own reads of endpoint settings (IAM's, which the SDK does not serve) come from <paramref name="environment"/>.</summary>
    public static AwsProviderDefinition For(HostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new AwsProviderDefinition(AwsEndpoint.Standard with { ReadVariable = environment.Get });
    }

    internal AwsProviderDefinition(AwsEndpoint endpoint)
    {
        _endpoint = endpoint;
    }

    public string Name => "aws";

    public string Description => "a VPC in an AWS region, with credentials and endpoints from the AWS SDK's own settings";

    public ObjectShape SettingsShape { get; } = new(
        "Settings of a site in an AWS region. Images are an AMI id or an AMI name with * and ? as wildcards (the newest " +
        "available match among `imageOwners` wins); flavors are instance type names such as t3.small, or minimums such as " +
        "'cpus>=2 ram>=4GiB' (the smallest current-generation type that meets them and runs the image wins).",
        [
            new Field("region", new StringShape("The region of the site's VPC, e.g. eu-central-1.", Pattern: "[a-z]{2}(-[a-z]+)+-[0-9]"), Required: true),
            new Field("profile", new StringShape("The profile of ~/.aws/config and ~/.aws/credentials to use; the SDK's default chain when absent.",
                Pattern: "[A-Za-z0-9_.@+=,-]{1,64}")),
            new Field("cidr", new StringShape("The IPv4 block of the VPC and subnet GridSpan creates, e.g. 10.20.0.0/24; chosen by the planner when absent.", Format: "cidr")),
            new Field("vpc", new StringShape("An existing VPC (id) for the site's nodes, with `subnet:`; when absent GridSpan creates one.", Pattern: "vpc-[0-9a-f]{8,17}")),
            new Field("subnet", new StringShape("With `vpc:`: the subnet (id) of that VPC to put the nodes in.", Pattern: "subnet-[0-9a-f]{8,17}")),
            new Field("availabilityZone", new StringShape("The availability zone of the subnet GridSpan creates, e.g. eu-central-1a; the region's choice when absent.",
                Pattern: "[a-z]{2}(-[a-z]+)+-[0-9][a-z0-9-]*")),
            new Field("imageOwners", new ListShape("Whose AMIs an image name pattern is looked up among: account ids, `self`, `amazon`, `aws-marketplace`. Default: self and amazon.",
                new StringShape("An AWS account id or an owner alias.", Pattern: "[0-9]{12}|self|amazon|aws-marketplace"))),
        ]);

    public ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (section is null)
        {
            errors.Add(new ConfigError(default, "aws", "an AWS site needs an `aws:` section with at least `region:`",
                "add `aws: { region: <region such as eu-central-1> }` to the site"));
            return new AwsSiteSettings("", null, null, null, null, null, []);
        }
        var region = section.GetString("region") ?? "";
        if (region.Length == 0)
        {
            errors.Add(new ConfigError(section.LocationOf("region"), section.PathOf("region"), "the region is missing",
                "write the region of the site's VPC, e.g. `region: eu-central-1`"));
        }
        var vpc = section.GetString("vpc");
        var subnet = section.GetString("subnet");
        if (vpc is null && subnet is not null)
        {
            errors.Add(new ConfigError(section.LocationOf("subnet"), section.PathOf("subnet"),
                "`subnet` names a subnet of an existing VPC, but `vpc` is not set",
                "add `vpc:` with the subnet's VPC, or remove `subnet` and write the block to create as `cidr:`"));
        }
        if (vpc is not null && subnet is null)
        {
            errors.Add(new ConfigError(section.LocationOf("vpc"), section.PathOf("vpc"),
                "`vpc` names an existing VPC, but `subnet` does not say which of its subnets to use",
                "add `subnet:` with the id of a subnet of that VPC"));
        }
        IPNetwork? cidr = null;
        if (section.GetString("cidr") is { } cidrText)
        {
            if (vpc is not null)
            {
                errors.Add(new ConfigError(section.LocationOf("cidr"), section.PathOf("cidr"),
                    "`cidr` is the block of a VPC GridSpan creates, but `vpc` names an existing one",
                    "remove `cidr`, or remove `vpc` and `subnet` to let GridSpan create the VPC"));
            }
            else if (Ipv4Range.Parse(cidrText, 16, 28, out _) is { } parsed)
            {
                cidr = parsed;
            }
            else
            {
                errors.Add(new ConfigError(section.LocationOf("cidr"), section.PathOf("cidr"),
                    $"'{cidrText}' is not an IPv4 block between /16 and /28 (what a VPC may have) with its host bits zero",
                    "write a network address and prefix such as 10.20.0.0/24"));
            }
        }
        var zone = section.GetString("availabilityZone");
        if (zone is not null && vpc is not null)
        {
            errors.Add(new ConfigError(section.LocationOf("availabilityZone"), section.PathOf("availabilityZone"),
                "`availabilityZone` applies to a subnet GridSpan creates, but `vpc` names an existing one",
                "remove `availabilityZone`; the existing subnet's zone is used"));
        }
        else if (zone is not null && region.Length > 0 && !zone.StartsWith(region, StringComparison.Ordinal))
        {
            errors.Add(new ConfigError(section.LocationOf("availabilityZone"), section.PathOf("availabilityZone"),
                $"the availability zone '{zone}' is not in the region '{region}'",
                $"write a zone of {region}, such as {region}a"));
        }
        return new AwsSiteSettings(region, section.GetString("profile"), cidr, vpc, subnet, zone,
            section.GetStrings("imageOwners").Distinct(StringComparer.Ordinal).ToImmutableArray());
    }

    /// <summary>Instance types' sizes are EC2's to say: <see cref="LookupFlavorsAsync"/> asks it (create, check) rather than keep a table.</summary>
    public FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor) => null;

    /// <summary>An instance type name, or minimums such as `cpus>=2 ram>=4GiB` (the smallest matching type wins).</summary>
    public ValueProblem? CheckFlavor(string flavor) =>
        flavor.Contains(">=", StringComparison.Ordinal) ? FlavorMinimum.Problem(flavor)
            : InstanceTypeName.IsValid(flavor) ? null
            : new ValueProblem($"'{flavor}' is neither an EC2 instance type name nor minimums",
                "write an instance type such as t3.small or c7i.2xlarge, or minimums such as 'cpus>=2 ram>=4GiB'");

    /// <summary>vCPUs and memory from DescribeInstanceTypes; minimums resolved to the type `create` would choose for the flavor's first image.</summary>
    public async Task<IReadOnlyDictionary<string, FlavorSize>> LookupFlavorsAsync(SiteSpec site, IReadOnlyCollection<(string Flavor, string Image)> flavors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(flavors);
        var settings = (AwsSiteSettings)site.Settings;
        await using var provider = AwsSiteProvider.Connect(site.Name, settings, _endpoint);
        var sizes = new Dictionary<string, FlavorSize>(StringComparer.Ordinal);
        foreach (var (flavor, image) in flavors)
        {
            if (await provider.FindInstanceTypeAsync(flavor, image, cancellationToken).ConfigureAwait(false) is { } type)
            {
                sizes[flavor] = new FlavorSize(InstanceTypeSelector.Cpus(type), InstanceTypeSelector.MemoryMiB(type));
            }
        }
        return sizes;
    }

    public ValueProblem? CheckImage(string image) =>
        AmiSelector.Problem(image) is { } problem
            ? new ValueProblem(problem, "write an AMI id (ami-0123456789abcdef0) or an AMI name such as 'debian-12-amd64-*'")
            : null;

    public ISiteProvider Connect(SiteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return AwsSiteProvider.Connect(connection, _endpoint);
    }

    /// <remarks>AWS is asked over its APIs: nothing runs on this machine.</remarks>
    public async Task<ImmutableArray<CheckFinding>> CheckAsync(ClusterSpec spec, Plan.ClusterPlan plan, Common.ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sites = spec.Sites.Where(s => s.Provider == Name).ToList();
        var findings = await new Check.AwsCheck(_endpoint).CheckSitesAsync(sites, cancellationToken).ConfigureAwait(false);
        return [.. findings, .. sites.Select(s => Check.AwsCheck.MasterReach(s, spec.MasterSite)).OfType<CheckFinding>()];
    }
}
