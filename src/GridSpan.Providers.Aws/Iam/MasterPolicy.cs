using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GridSpan.Providers.Aws.Api;

namespace GridSpan.Providers.Aws.Iam;

/// <summary>
/// What the cluster's master may do in EC2: create, find and remove the cluster's on-demand nodes, nothing else.
/// One role per cluster (assumable by EC2 only, reached through an instance profile of the same name), with one
/// inline policy per AWS site whose nodes the master creates. EC2's Describe calls take no resource-level
/// conditions, so reading is allowed in the site's region; every change is limited by the cluster tag: new
/// instances, volumes and interfaces must carry it in the creating request, and what they use or what is removed
/// must carry it already.
/// </summary>
internal static class MasterPolicy
{
    /// <summary>IAM's limit for role and instance profile names.</summary>
    private const int MaxNameLength = 64;

    /// <summary>The role's and the instance profile's name: `gridspan-master-&lt;cluster id&gt;`, shortened with a hash when too long.</summary>
    public static string RoleName(string clusterId)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var name = $"gridspan-master-{clusterId}";
        if (name.Length <= MaxNameLength)
        {
            return name;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clusterId)))[..8];
        return $"{name[..(MaxNameLength - 9)]}-{hash}";
    }

    /// <summary>The path the role and the profile are created under, so operators can list GridSpan's.</summary>
    public const string Path = "/gridspan/";

    /// <summary>The name of a site's inline policy in the role.</summary>
    public static string SitePolicyName(string site) => $"gridspan-site-{site}";

    public static string Trust { get; } = new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "ec2.amazonaws.com" },
            ["Action"] = "sts:AssumeRole",
        }),
    }.ToJsonString();

    /// <summary>The policy for one site: its region, and the VPC and subnet when the site uses ones GridSpan did not create (they have no cluster tag).</summary>
    public static string ForSite(string clusterId, string region, string? existingVpc, string? existingSubnet)
    {
        ArgumentNullException.ThrowIfNull(region);
        var arn = $"arn:{Partition(region)}:ec2:{region}:*:";
        const string RunInstances = "ec2:RunInstances", CreateNetworkInterface = "ec2:CreateNetworkInterface", CreateSecurityGroup = "ec2:CreateSecurityGroup";
        JsonObject TagIs(string key) => new() { ["StringEquals"] = new JsonObject { [key] = clusterId } };
        var statements = new JsonArray
        {
            Statement("ReadTheRegion", ["ec2:Describe*"], null,
                new JsonObject { ["StringEquals"] = new JsonObject { ["aws:RequestedRegion"] = region } }),
            // Images are published by others and carry no cluster tag.
            Statement("LaunchFromAnyImage", [RunInstances], [$"arn:{Partition(region)}:ec2:{region}::image/*"], null),
            Statement("UseTheClustersNetworkAndKey", [RunInstances, CreateNetworkInterface, CreateSecurityGroup],
                [$"{arn}vpc/*", $"{arn}subnet/*", $"{arn}security-group/*", $"{arn}network-interface/*", $"{arn}key-pair/*"],
                TagIs($"aws:ResourceTag/{AwsTags.ClusterKey}")),
            // The first resume of a site without static workers makes the workers' security group.
            Statement("CreateOnlyTaggedWithTheCluster", [RunInstances, CreateNetworkInterface, CreateSecurityGroup],
                [$"{arn}instance/*", $"{arn}volume/*", $"{arn}network-interface/*", $"{arn}security-group/*"], TagIs($"aws:RequestTag/{AwsTags.ClusterKey}")),
            Statement("TagOnlyWhileCreating", ["ec2:CreateTags"],
                [$"{arn}instance/*", $"{arn}volume/*", $"{arn}network-interface/*", $"{arn}security-group/*"],
                new JsonObject { ["StringEquals"] = new JsonObject { ["ec2:CreateAction"] = new JsonArray("RunInstances", "CreateNetworkInterface", "CreateSecurityGroup") } }),
            // A new rule is no resource of its own until it exists; the group it goes into must be the cluster's.
            Statement("OpenOnlyTheClustersGroups", ["ec2:AuthorizeSecurityGroupIngress"], [$"{arn}security-group/*"],
                TagIs($"aws:ResourceTag/{AwsTags.ClusterKey}")),
            Statement("AddRulesToThoseGroups", ["ec2:AuthorizeSecurityGroupIngress"], [$"{arn}security-group-rule/*"], null),
            Statement("RemoveOnlyTheClustersNodes", ["ec2:TerminateInstances", "ec2:DeleteNetworkInterface"],
                [$"{arn}instance/*", $"{arn}network-interface/*"], TagIs($"aws:ResourceTag/{AwsTags.ClusterKey}")),
        };
        if (existingVpc is not null && existingSubnet is not null)
        {
            // An existing VPC and subnet carry no cluster tag: they are named by id.
            statements.Add(Statement("UseTheSitesVpcAndSubnet", [RunInstances, CreateNetworkInterface, CreateSecurityGroup],
                [$"{arn}vpc/{existingVpc}", $"{arn}subnet/{existingSubnet}"], null));
        }
        return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements }.ToJsonString();
    }

    /// <summary>The ARN partition of a region: China and GovCloud regions have their own.</summary>
    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    private static JsonObject Statement(string sid, string[] actions, string[]? resources, JsonObject? condition)
    {
        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Action"] = new JsonArray([.. actions.Select(a => (JsonNode)a)]),
            ["Resource"] = resources is null ? "*" : new JsonArray([.. resources.Select(r => (JsonNode)r)]),
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }
        return statement;
    }
}
