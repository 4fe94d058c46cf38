using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using GridSpan.Common;
using GridSpan.Providers.Aws.Api;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;
using GridSpan.Testing;

namespace GridSpan.Providers.Aws.Tests.Iam;

/// <summary>
/// The master's instance profile, made by the provider over signed IAM Query calls to a moto_server of this class's
/// own and read back with the `aws` CLI. moto stores policies but does not enforce them: these tests prove what is
/// created and removed, not what AWS would allow with it.
/// </summary>
public sealed class MasterInstanceProfileOnMotoTests : IAsyncLifetime
{
    private const string Image = "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*";
    private const string Site = "region-a";
    private static readonly AwsSiteSettings Settings = new(MotoServer.Region, null, null, null, null, null, []);
    private MotoServer? _moto;
    private AwsSiteProvider? _provider;

    private MotoServer Moto => _moto!;

    private AwsSiteProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        if (MotoServer.Unavailable() is { } reason)
        {
            throw new InvalidOperationException($"these tests need moto: {reason}");
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _moto = await MotoServer.StartAsync(timeout.Token);
        _provider = Connect();
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }

    private AwsSiteProvider Connect() => AwsSiteProvider.Connect(Site, Settings, Moto.Endpoint);

    private async Task<JsonElement> AwsAsync(params string[] arguments)
    {
        var result = await new ProcessCommandRunner().RunCheckedAsync(
            CommandRequest.Of("aws", [.. arguments, "--output", "json"]) with { Environment = Moto.CliEnvironment }, CancellationToken.None);
        using var document = JsonDocument.Parse(result.StandardOutput.Length == 0 ? "{}" : result.StandardOutput);
        return document.RootElement.Clone();
    }

    private static string NewCluster() => "moto-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A site with one node of the role given, as `create` makes it.</summary>
    private async Task<ServerInfo> CreateNodeAsync(string cluster, string name, string role)
    {
        var network = await Provider.CreateNetworkAsync(new NetworkRequest("net", cluster, IPNetwork.Parse("10.77.0.0/24"), 1400), CancellationToken.None);
        var group = await Provider.CreateSecurityGroupAsync(new SecurityGroupRequest("nodes", cluster, []), CancellationToken.None);
        var key = await Provider.CreateKeyPairAsync(new KeyPairRequest("admin", cluster, TestSshKey.NewRsaPublicKey()), CancellationToken.None);
        var port = await Provider.CreatePortAsync(new PortRequest(name, cluster, network.Id, IPAddress.Parse("10.77.0.10"), [group.Id], []), CancellationToken.None);
        return await Provider.CreateServerAsync(new ServerRequest(name, cluster, Image, "t3.micro", port.Id, key.Name, null,
            ImmutableSortedDictionary<string, string>.Empty.Add("gridspan-role", role)), CancellationToken.None);
    }

    private static string RoleOf(string cluster) => $"gridspan-master-{cluster}";

    private async Task<string[]> NamesAsync(string listing, string collection, string nameKey) =>
        [.. (await AwsAsync("iam", listing, "--path-prefix", "/gridspan/")).GetProperty(collection).EnumerateArray().Select(e => e.GetProperty(nameKey).GetString()!)];

    private async Task<JsonElement[]> AssociationsAsync(string instanceId) =>
        [.. (await AwsAsync("ec2", "describe-iam-instance-profile-associations", "--filters", $"Name=instance-id,Values={instanceId}"))
            .GetProperty("IamInstanceProfileAssociations").EnumerateArray()];

    [Fact]
    public async Task The_master_gets_a_role_only_ec2_may_assume_with_a_policy_limited_by_the_cluster_tag_and_its_profile_attached()
    {
        var cluster = NewCluster();
        var master = await CreateNodeAsync(cluster, "hpc-master", "master");

        var files = await Provider.MasterCredentialsAsync(cluster, new Dictionary<string, string>(), CancellationToken.None);

        var role = (await AwsAsync("iam", "get-role", "--role-name", RoleOf(cluster))).GetProperty("Role");
        Assert.Equal("/gridspan/", role.GetProperty("Path").GetString());
        var trust = role.GetProperty("AssumeRolePolicyDocument").GetProperty("Statement")[0];
        Assert.Equal("ec2.amazonaws.com", trust.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Contains(role.GetProperty("Tags").EnumerateArray(),
            t => t.GetProperty("Key").GetString() == "gridspan-cluster" && t.GetProperty("Value").GetString() == cluster);

        var policy = (await AwsAsync("iam", "get-role-policy", "--role-name", RoleOf(cluster), "--policy-name", $"gridspan-site-{Site}"))
            .GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray().ToList();
        string? Condition(string sid, string key) => policy.Single(s => s.GetProperty("Sid").GetString() == sid)
            .GetProperty("Condition").GetProperty("StringEquals").GetProperty(key).GetString();
        Assert.Equal(cluster, Condition("CreateOnlyTaggedWithTheCluster", "aws:RequestTag/gridspan-cluster"));
        Assert.Equal(cluster, Condition("UseTheClustersNetworkAndKey", "aws:ResourceTag/gridspan-cluster"));
        Assert.Equal(cluster, Condition("RemoveOnlyTheClustersNodes", "aws:ResourceTag/gridspan-cluster"));

        var profile = (await AwsAsync("iam", "get-instance-profile", "--instance-profile-name", RoleOf(cluster))).GetProperty("InstanceProfile");
        Assert.Equal([RoleOf(cluster)], profile.GetProperty("Roles").EnumerateArray().Select(r => r.GetProperty("RoleName").GetString()));
        var association = Assert.Single(await AssociationsAsync(master.Id));
        Assert.Equal(profile.GetProperty("Arn").GetString(), association.GetProperty("IamInstanceProfile").GetProperty("Arn").GetString());
        Assert.Equal("associated", association.GetProperty("State").GetString());
        // The master is sent no secret, only which role it has, so it stops using the site's `profile:`.
        var (path, content) = Assert.Single(files);
        Assert.Equal(AwsEndpoint.MasterMarker, path);
        using var marker = JsonDocument.Parse(content);
        Assert.Equal(role.GetProperty("Arn").GetString(), marker.RootElement.GetProperty("role").GetString());
        Assert.Equal(profile.GetProperty("Arn").GetString(), marker.RootElement.GetProperty("instanceProfile").GetString());
    }

    [Fact]
    public async Task A_master_that_has_another_instance_profile_gets_the_clusters_instead()
    {
        var cluster = NewCluster();
        var master = await CreateNodeAsync(cluster, "hpc-master", "master");
        await AwsAsync("iam", "create-instance-profile", "--instance-profile-name", "someone-elses");
        await AwsAsync("ec2", "associate-iam-instance-profile", "--instance-id", master.Id, "--iam-instance-profile", "Name=someone-elses");

        await Provider.MasterCredentialsAsync(cluster, new Dictionary<string, string>(), CancellationToken.None);

        var association = Assert.Single(await AssociationsAsync(master.Id));
        Assert.EndsWith($"instance-profile/gridspan/{RoleOf(cluster)}", association.GetProperty("IamInstanceProfile").GetProperty("Arn").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuing_again_from_a_new_connection_duplicates_nothing()
    {
        var cluster = NewCluster();
        var master = await CreateNodeAsync(cluster, "hpc-master", "master");
        var first = await Provider.MasterCredentialsAsync(cluster, new Dictionary<string, string>(), CancellationToken.None);

        await using var again = Connect();
        var second = await again.MasterCredentialsAsync(cluster, first, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal([RoleOf(cluster)], await NamesAsync("list-roles", "Roles", "RoleName"));
        Assert.Equal([RoleOf(cluster)], await NamesAsync("list-instance-profiles", "InstanceProfiles", "InstanceProfileName"));
        Assert.Equal([$"gridspan-site-{Site}"],
            (await AwsAsync("iam", "list-role-policies", "--role-name", RoleOf(cluster))).GetProperty("PolicyNames").EnumerateArray().Select(p => p.GetString()));
        Assert.Single(await AssociationsAsync(master.Id));
    }

    [Fact]
    public async Task Terminate_leaves_no_role_policy_or_instance_profile()
    {
        var cluster = NewCluster();
        await CreateNodeAsync(cluster, "hpc-master", "master");
        await Provider.MasterCredentialsAsync(cluster, new Dictionary<string, string>(), CancellationToken.None);

        await new ClusterTerminator().TerminateAsync(cluster, new Dictionary<string, ISiteProvider> { [Site] = Provider }, null, CancellationToken.None);

        Assert.Empty(await NamesAsync("list-roles", "Roles", "RoleName"));
        Assert.Empty(await NamesAsync("list-instance-profiles", "InstanceProfiles", "InstanceProfileName"));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Revoking_after_a_half_done_create_removes_what_it_made_and_revoking_again_is_no_error(bool role, bool profile)
    {
        var cluster = NewCluster();
        if (role)
        {
            await AwsAsync("iam", "create-role", "--path", "/gridspan/", "--role-name", RoleOf(cluster), "--assume-role-policy-document",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
            await AwsAsync("iam", "put-role-policy", "--role-name", RoleOf(cluster), "--policy-name", $"gridspan-site-{Site}", "--policy-document",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}""");
        }
        if (profile)
        {
            await AwsAsync("iam", "create-instance-profile", "--path", "/gridspan/", "--instance-profile-name", RoleOf(cluster));
        }
        if (role && profile)
        {
            await AwsAsync("iam", "add-role-to-instance-profile", "--instance-profile-name", RoleOf(cluster), "--role-name", RoleOf(cluster));
        }

        await Provider.RevokeMasterCredentialsAsync(cluster, CancellationToken.None);
        await Provider.RevokeMasterCredentialsAsync(cluster, CancellationToken.None);

        Assert.Empty(await NamesAsync("list-roles", "Roles", "RoleName"));
        Assert.Empty(await NamesAsync("list-instance-profiles", "InstanceProfiles", "InstanceProfileName"));
    }

    [Fact]
    public async Task Without_a_master_instance_in_the_sites_region_issuing_says_where_the_master_must_run()
    {
        var cluster = NewCluster();
        await CreateNodeAsync(cluster, "hpc-cpu-001", "worker");

        var failure = await Assert.ThrowsAsync<GridSpanException>(() =>
            Provider.MasterCredentialsAsync(cluster, new Dictionary<string, string>(), CancellationToken.None));

        Assert.Contains($"no running master instance of cluster {cluster} in {MotoServer.Region}", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.Fix);
    }
}
