using System.Text.Json.Nodes;
using GridSpan.Providers.Aws.Iam;

namespace GridSpan.Providers.Aws.Tests.Iam;

public sealed class MasterPolicyTests
{
    private const string Cluster = "hpc-1a2b3c";

    private static JsonArray Statements(string? vpc = null, string? subnet = null) =>
        JsonNode.Parse(MasterPolicy.ForSite(Cluster, "eu-central-1", vpc, subnet))!["Statement"]!.AsArray();

    private static JsonNode Statement(string sid, string? vpc = null, string? subnet = null) => Statements(vpc, subnet).Single(s => (string?)s!["Sid"] == sid)!;

    private static string[] Strings(JsonNode? node) => node is JsonArray array ? [.. array.Select(n => (string)n!)] : [(string)node!];

    [Fact]
    public void Every_statement_allows_and_nothing_but_reading_has_a_wildcard_resource()
    {
        Assert.All(Statements(), s =>
        {
            Assert.Equal("Allow", (string?)s!["Effect"]);
            if ((string?)s["Sid"] != "ReadTheRegion")
            {
                Assert.All(Strings(s["Resource"]), r => Assert.StartsWith("arn:aws:ec2:eu-central-1:", r, StringComparison.Ordinal));
            }
        });
        Assert.Equal("*", (string?)Statement("ReadTheRegion")["Resource"]);
        Assert.Equal(["ec2:Describe*"], Strings(Statement("ReadTheRegion")["Action"]));
        Assert.Equal("eu-central-1", (string?)Statement("ReadTheRegion")["Condition"]!["StringEquals"]!["aws:RequestedRegion"]);
    }

    [Fact]
    public void Instances_interfaces_and_groups_are_created_only_with_the_cluster_tag_in_the_request()
    {
        var create = Statement("CreateOnlyTaggedWithTheCluster");
        Assert.Equal(["ec2:RunInstances", "ec2:CreateNetworkInterface", "ec2:CreateSecurityGroup"], Strings(create["Action"]));
        Assert.Equal(["arn:aws:ec2:eu-central-1:*:instance/*", "arn:aws:ec2:eu-central-1:*:volume/*", "arn:aws:ec2:eu-central-1:*:network-interface/*",
            "arn:aws:ec2:eu-central-1:*:security-group/*"], Strings(create["Resource"]));
        Assert.Equal(Cluster, (string?)create["Condition"]!["StringEquals"]!["aws:RequestTag/gridspan-cluster"]);

        var tag = Statement("TagOnlyWhileCreating");
        Assert.Equal(["ec2:CreateTags"], Strings(tag["Action"]));
        Assert.Equal(["RunInstances", "CreateNetworkInterface", "CreateSecurityGroup"], Strings(tag["Condition"]!["StringEquals"]!["ec2:CreateAction"]));
    }

    [Fact]
    public void The_network_key_and_existing_interfaces_used_must_carry_the_cluster_tag()
    {
        var use = Statement("UseTheClustersNetworkAndKey");
        Assert.Equal(["ec2:RunInstances", "ec2:CreateNetworkInterface", "ec2:CreateSecurityGroup"], Strings(use["Action"]));
        Assert.Equal(["arn:aws:ec2:eu-central-1:*:vpc/*", "arn:aws:ec2:eu-central-1:*:subnet/*", "arn:aws:ec2:eu-central-1:*:security-group/*",
            "arn:aws:ec2:eu-central-1:*:network-interface/*", "arn:aws:ec2:eu-central-1:*:key-pair/*"], Strings(use["Resource"]));
        Assert.Equal(Cluster, (string?)use["Condition"]!["StringEquals"]!["aws:ResourceTag/gridspan-cluster"]);
        Assert.DoesNotContain(Statements(), s => (string?)s!["Sid"] == "UseTheSitesVpcAndSubnet");
    }

    [Fact]
    public void Rules_go_only_into_the_clusters_groups()
    {
        var groups = Statement("OpenOnlyTheClustersGroups");

        Assert.Equal(["ec2:AuthorizeSecurityGroupIngress"], Strings(groups["Action"]));
        Assert.Equal(["arn:aws:ec2:eu-central-1:*:security-group/*"], Strings(groups["Resource"]));
        Assert.Equal(Cluster, (string?)groups["Condition"]!["StringEquals"]!["aws:ResourceTag/gridspan-cluster"]);
        Assert.Equal(["arn:aws:ec2:eu-central-1:*:security-group-rule/*"], Strings(Statement("AddRulesToThoseGroups")["Resource"]));
    }

    [Fact]
    public void An_existing_vpc_and_subnet_which_carry_no_cluster_tag_are_allowed_by_their_ids_alone()
    {
        var existing = Statement("UseTheSitesVpcAndSubnet", "vpc-0123456789abcdef0", "subnet-0123456789abcdef0");

        Assert.Equal(["arn:aws:ec2:eu-central-1:*:vpc/vpc-0123456789abcdef0", "arn:aws:ec2:eu-central-1:*:subnet/subnet-0123456789abcdef0"],
            Strings(existing["Resource"]));
        Assert.Null(existing["Condition"]);
    }

    [Fact]
    public void Only_the_clusters_own_instances_and_interfaces_can_be_terminated_or_deleted()
    {
        var change = Statement("RemoveOnlyTheClustersNodes");

        Assert.Equal(["ec2:TerminateInstances", "ec2:DeleteNetworkInterface"], Strings(change["Action"]));
        Assert.Equal(Cluster, (string?)change["Condition"]!["StringEquals"]!["aws:ResourceTag/gridspan-cluster"]);
    }

    [Fact]
    public void No_statement_allows_iam_or_any_action_but_those_named()
    {
        var actions = Statements().SelectMany(s => Strings(s!["Action"])).ToHashSet();

        Assert.Equal(["ec2:Describe*", "ec2:RunInstances", "ec2:CreateNetworkInterface", "ec2:CreateSecurityGroup", "ec2:CreateTags",
            "ec2:AuthorizeSecurityGroupIngress", "ec2:TerminateInstances", "ec2:DeleteNetworkInterface"], actions);
    }

    [Fact]
    public void Only_ec2_may_assume_the_role()
    {
        var trust = JsonNode.Parse(MasterPolicy.Trust)!["Statement"]!.AsArray().Single()!;

        Assert.Equal("sts:AssumeRole", (string?)trust["Action"]);
        Assert.Equal("ec2.amazonaws.com", (string?)trust["Principal"]!["Service"]);
    }

    [Theory]
    [InlineData("eu-central-1", "arn:aws:ec2:eu-central-1:*:instance/*")]
    [InlineData("cn-north-1", "arn:aws-cn:ec2:cn-north-1:*:instance/*")]
    [InlineData("us-gov-west-1", "arn:aws-us-gov:ec2:us-gov-west-1:*:instance/*")]
    public void Resources_are_named_in_the_regions_partition(string region, string instances)
    {
        var statements = JsonNode.Parse(MasterPolicy.ForSite(Cluster, region, null, null))!["Statement"]!.AsArray();

        Assert.Contains(instances, statements.SelectMany(s => s!["Resource"] is JsonArray a ? a.Select(r => (string)r!) : []));
    }

    [Fact]
    public void The_role_is_named_after_the_cluster_within_iams_64_characters()
    {
        Assert.Equal("gridspan-master-hpc-1a2b3c", MasterPolicy.RoleName(Cluster));
        var longId = new string('a', 63) + "-1a2b3c";
        var name = MasterPolicy.RoleName(longId);
        Assert.Equal(64, name.Length);
        Assert.NotEqual(name, MasterPolicy.RoleName(new string('a', 62) + "b-1a2b3c"));
    }
}
