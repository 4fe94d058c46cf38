using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;

namespace GridSpan.Providers.Aws.Settings;

/// <summary>The `aws:` section of a site.</summary>
/// <param name="Region">The AWS region the site's VPC lives in, e.g. eu-central-1.</param>
/// <param name="Profile">The profile of ~/.aws/config and ~/.aws/credentials to use, or null for the SDK's default chain.</param>
/// <param name="Cidr">The IPv4 block of the VPC and subnet GridSpan creates; null lets the planner choose.</param>
/// <param name="Vpc">An existing VPC (id) to put the site's nodes in, or null to create one.</param>
/// <param name="SubnetId">With <paramref name="Vpc"/>: the subnet (id) of that VPC to use.</param>
/// <param name="AvailabilityZone">The availability zone of the subnet GridSpan creates, or null for the region's choice.</param>
/// <param name="ImageOwners">Whose AMIs an image name pattern is looked up among (account ids, `self`, `amazon`).</param>
public sealed record AwsSiteSettings(
    string Region,
    string? Profile,
    IPNetwork? Cidr,
    string? Vpc,
    string? SubnetId,
    string? AvailabilityZone,
    ImmutableArray<string> ImageOwners) : ProviderSiteSettings
{
    /// <summary>Where image name patterns are looked up when the site does not say.</summary>
    public static ImmutableArray<string> DefaultImageOwners { get; } = ["self", "amazon"];

    public override IPNetwork? Subnet => Cidr;

    /// <summary>Null: the planner's default. Inside a VPC the MTU is 9001, but traffic through the internet gateway is cut to 1500.</summary>
    public override int? Mtu => null;

    /// <summary>True when the site uses a VPC that exists already instead of creating one.</summary>
    public bool UsesExistingVpc => Vpc is not null;
}
