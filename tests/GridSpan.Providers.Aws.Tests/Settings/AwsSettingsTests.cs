using System.Net;
using GridSpan.Config;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws.Tests.Settings;

public sealed class AwsSettingsTests
{
    private static ConfigLoadResult Load(string aws, string image = "debian-12-amd64-*", string flavor = "t3.small") => ClusterConfigLoader.LoadText($$"""
        name: demo
        ssh: { user: root }
        sites:
          - name: region-a
            provider: aws
            {{aws}}
            master: { flavor: "{{flavor}}", image: "{{image}}", compute: true }
        overlay: { kind: wireguard, cidr: 10.99.0.0/24 }
        storage: { shares: [/home] }
        slurm: { suspendTime: 300, resumeTimeout: 300 }
        """, "cluster.yaml", "/tmp", new ProviderRegistry([new AwsProviderDefinition()]), "/nonexistent");

    [Fact]
    public void A_site_with_a_region_a_cidr_and_image_owners_loads_into_aws_settings()
    {
        var result = Load("aws: { region: eu-central-1, profile: research, cidr: 10.20.0.0/24, availabilityZone: eu-central-1a, imageOwners: ['136693071363', self, self] }");

        Assert.Empty(result.Errors);
        var settings = Assert.IsType<AwsSiteSettings>(result.Spec!.Sites[0].Settings);
        Assert.Equal("eu-central-1", settings.Region);
        Assert.Equal("research", settings.Profile);
        Assert.Equal(IPNetwork.Parse("10.20.0.0/24"), settings.Subnet);
        Assert.Equal("eu-central-1a", settings.AvailabilityZone);
        Assert.Equal(["136693071363", "self"], settings.ImageOwners.ToArray());
        Assert.False(settings.UsesExistingVpc);
    }

    [Fact]
    public void An_existing_vpc_with_its_subnet_is_used_as_is()
    {
        var result = Load("aws: { region: us-east-1, vpc: vpc-0123456789abcdef0, subnet: subnet-0123456789abcdef0 }");

        Assert.Empty(result.Errors);
        var settings = Assert.IsType<AwsSiteSettings>(result.Spec!.Sites[0].Settings);
        Assert.True(settings.UsesExistingVpc);
        Assert.Equal("subnet-0123456789abcdef0", settings.SubnetId);
        Assert.Null(settings.Subnet);
    }

    [Theory]
    [InlineData("aws: { region: us-east-1, subnet: subnet-0123456789abcdef0 }", "sites[0].aws.subnet", "`vpc` is not set")]
    [InlineData("aws: { region: us-east-1, vpc: vpc-0123456789abcdef0 }", "sites[0].aws.vpc", "does not say which of its subnets")]
    [InlineData("aws: { region: us-east-1, vpc: vpc-0123456789abcdef0, subnet: subnet-0123456789abcdef0, cidr: 10.20.0.0/24 }", "sites[0].aws.cidr", "names an existing one")]
    [InlineData("aws: { region: us-east-1, cidr: 10.20.0.1/24 }", "sites[0].aws.cidr", "host bits zero")]
    [InlineData("aws: { region: us-east-1, cidr: 10.20.0.0/29 }", "sites[0].aws.cidr", "between /16 and /28")]
    [InlineData("aws: { region: us-east-1, availabilityZone: eu-west-1a }", "sites[0].aws.availabilityZone", "not in the region 'us-east-1'")]
    public void Contradicting_or_malformed_settings_are_errors_at_their_key(string aws, string key, string problem)
    {
        var result = Load(aws);

        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.KeyPath);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.NotNull(error.Fix);
    }

    [Theory]
    [InlineData("aws: { profile: research }", "region")]
    [InlineData("aws: { region: Frankfurt }", "region")]
    [InlineData("aws: { region: us-east-1, vpc: my-vpc, subnet: subnet-0123456789abcdef0 }", "vpc")]
    [InlineData("aws: { region: us-east-1, imageOwners: [debian] }", "imageOwners")]
    public void A_missing_region_and_values_of_the_wrong_form_are_errors(string aws, string key)
    {
        var result = Load(aws);

        Assert.Contains(result.Errors, e => e.KeyPath.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void A_site_without_an_aws_section_says_what_to_add()
    {
        var error = Assert.Single(Load("").Errors);

        Assert.Contains("`aws:` section", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ami-0123456789abcdef0", "t3.small")]
    [InlineData("ami-12c6146b", "c7gn.16xlarge")]
    [InlineData("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*", "u-6tb1.metal")]
    [InlineData("ami-0123456789abcdef0", "cpus>=2 ram>=4GiB")]
    public void Ami_ids_ami_name_patterns_instance_type_names_and_minimums_are_accepted(string image, string flavor)
    {
        Assert.Empty(Load("aws: { region: us-east-1 }", image, flavor).Errors);
    }

    [Theory]
    [InlineData("ami-xyz", "t3.small", "AMI id")]
    [InlineData("debian; rm -rf /", "t3.small", "AMI name")]
    [InlineData("ami-0123456789abcdef0", "cpus>=2 disk>=10", "minimums")]
    [InlineData("ami-0123456789abcdef0", "large", "instance type")]
    public void Images_and_flavors_that_cannot_name_an_ami_or_instance_type_are_errors(string image, string flavor, string problem)
    {
        var error = Assert.Single(Load("aws: { region: us-east-1 }", image, flavor).Errors);

        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t3.small")]
    [InlineData("cpus>=2 ram>=4GiB")]
    [InlineData("ram>=512MiB")]
    public void A_flavor_is_an_instance_type_or_minimums(string flavor)
    {
        Assert.Null(new AwsProviderDefinition().CheckFlavor(flavor));
    }

    [Theory]
    [InlineData("cpus>=2 disk>=10")]
    [InlineData("cpus>=0")]
    [InlineData("big one")]
    public void A_flavor_that_is_neither_is_refused_with_both_forms_in_the_fix(string flavor)
    {
        var problem = new AwsProviderDefinition().CheckFlavor(flavor);

        Assert.NotNull(problem);
        Assert.Contains("cpus>=2 ram>=4GiB", problem.Fix, StringComparison.Ordinal);
    }
}
