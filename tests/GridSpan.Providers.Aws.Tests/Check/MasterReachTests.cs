using System.Net;
using GridSpan.Config;
using GridSpan.Providers.Aws.Check;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws.Tests.Check;

public sealed class MasterReachTests
{
    private sealed record OpenStackLike : ProviderSiteSettings
    {
        public override IPNetwork? Subnet => null;

        public override int? Mtu => null;
    }

    private static SiteSpec Aws(string name, string region, int onDemand, bool master = false) =>
        new(name, "aws", new AwsSiteSettings(region, null, null, null, null, null, []), master ? new MasterSpec("t3.large", "ami-0123456789abcdef0", false) : null,
            null, [new WorkerGroupSpec("cpu", "c7i.large", "ami-0123456789abcdef0", 1, onDemand, [])]);

    [Fact]
    public void On_demand_nodes_are_fine_when_the_master_runs_in_an_aws_site_of_the_same_region()
    {
        var master = Aws("aws-a", "eu-central-1", 0, master: true);

        var finding = AwsCheck.MasterReach(Aws("aws-b", "eu-central-1", 4), master);

        Assert.Equal(new CheckFinding("aws-b", true, "the master (site 'aws-a', eu-central-1) gets an instance profile to create this site's on-demand nodes with"),
            finding);
    }

    [Fact]
    public void On_demand_nodes_with_the_master_in_another_region_or_cloud_are_a_problem_that_says_what_to_change()
    {
        var elsewhere = AwsCheck.MasterReach(Aws("aws-b", "eu-central-1", 4), Aws("aws-a", "us-east-1", 0, master: true));
        var openstack = AwsCheck.MasterReach(Aws("aws-b", "eu-central-1", 4), new SiteSpec("campus", "openstack", new OpenStackLike(), null, null, []));

        Assert.NotNull(elsewhere);
        Assert.False(elsewhere.Ok);
        Assert.Equal("this site's on-demand nodes need the master in an AWS site of eu-central-1, but it is in site 'aws-a' (aws, us-east-1): " +
            "AWS permissions reach the master only as an instance profile there", elsewhere.Text);
        Assert.NotNull(openstack);
        Assert.False(openstack.Ok);
        Assert.Contains("site 'campus' (openstack)", openstack.Text, StringComparison.Ordinal);
        Assert.Contains("`onDemand`", openstack.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_site_without_on_demand_nodes_needs_nothing_of_the_master()
    {
        Assert.Null(AwsCheck.MasterReach(Aws("aws-b", "eu-central-1", 0), new SiteSpec("campus", "openstack", new OpenStackLike(), null, null, [])));
    }
}
