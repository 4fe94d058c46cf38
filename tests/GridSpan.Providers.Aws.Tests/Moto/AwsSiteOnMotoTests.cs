using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Plan;
using GridSpan.Providers.Aws.Check;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;
using GridSpan.Testing;

namespace GridSpan.Providers.Aws.Tests.Moto;

/// <summary>
/// What GridSpan makes in EC2, seen with the `aws` CLI against a moto_server of this class's own (an operator's
/// view, not the provider's). moto starts no virtual machine: instances are "running" at once.
/// </summary>
public sealed class AwsSiteOnMotoTests : IAsyncLifetime
{
    private const string Image = "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*";
    private static readonly AwsSiteSettings Settings = new(MotoServer.Region, null, null, null, null, null, ["099720109477"]);
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
        _provider = AwsSiteProvider.Connect("region-a", Settings, _moto.Endpoint);
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

    private async Task<JsonElement> AwsAsync(params string[] arguments)
    {
        var result = await new ProcessCommandRunner().RunCheckedAsync(
            CommandRequest.Of("aws", ["ec2", .. arguments, "--output", "json"]) with { Environment = Moto.CliEnvironment }, CancellationToken.None);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }

    private static string NewCluster() => "moto-" + Guid.NewGuid().ToString("N")[..10];

    private sealed record Node(NetworkInfo Network, PortInfo Port, ServerInfo Server, FloatingIpInfo Address);

    /// <summary>A whole site of one node, as `create` makes it: network, group, key, forwarding port, server, Elastic IP.</summary>
    private async Task<Node> CreateSiteAsync(string cluster, params string[] forwards)
    {
        var network = await Provider.CreateNetworkAsync(new NetworkRequest("net", cluster, IPNetwork.Parse("10.77.0.0/24"), 1400), CancellationToken.None);
        var group = await Provider.CreateSecurityGroupAsync(new SecurityGroupRequest("nodes", cluster,
            [new SecurityRule(IpProtocol.Tcp, 22, 22, IPNetwork.Parse("0.0.0.0/0"))]), CancellationToken.None);
        var key = await Provider.CreateKeyPairAsync(new KeyPairRequest("admin", cluster, TestSshKey.NewRsaPublicKey()), CancellationToken.None);
        var port = await Provider.CreatePortAsync(new PortRequest("gateway", cluster, network.Id, IPAddress.Parse("10.77.0.10"), [group.Id],
            [.. forwards.Select(IPNetwork.Parse)]), CancellationToken.None);
        var server = await Provider.CreateServerAsync(ServerRequest(cluster, port.Id, key.Name), CancellationToken.None);
        var address = await Provider.CreateFloatingIpAsync(new FloatingIpRequest("gateway", cluster, port.Id), CancellationToken.None);
        return new Node(network, port, server, address);
    }

    private static ServerRequest ServerRequest(string cluster, string portId, string keyName) =>
        new("gateway", cluster, Image, "t3.micro", portId, keyName, "#cloud-config\n{}\n",
            ImmutableSortedDictionary<string, string>.Empty.Add("gridspan-role", "gateway"));

    [Fact]
    public async Task After_terminate_moto_holds_nothing_tagged_with_the_cluster()
    {
        var cluster = NewCluster();
        await CreateSiteAsync(cluster, "10.78.0.0/24");
        var tagged = new[] { "Name=tag:gridspan-cluster,Values=" + cluster };
        Assert.NotEmpty((await AwsAsync(["describe-vpcs", "--filters", .. tagged])).GetProperty("Vpcs").EnumerateArray());

        await new ClusterTerminator().TerminateAsync(cluster, new Dictionary<string, ISiteProvider> { ["region-a"] = Provider }, null, CancellationToken.None);

        Assert.Empty(await Provider.ListAsync(cluster, CancellationToken.None));
        foreach (var (command, collection) in new[]
        {
            ("describe-addresses", "Addresses"), ("describe-network-interfaces", "NetworkInterfaces"), ("describe-route-tables", "RouteTables"),
            ("describe-internet-gateways", "InternetGateways"), ("describe-subnets", "Subnets"), ("describe-vpcs", "Vpcs"),
            ("describe-security-groups", "SecurityGroups"), ("describe-key-pairs", "KeyPairs"),
        })
        {
            Assert.Empty((await AwsAsync([command, "--filters", .. tagged])).GetProperty(collection).EnumerateArray());
        }
        var instances = (await AwsAsync(["describe-instances", "--filters", .. tagged])).GetProperty("Reservations").EnumerateArray()
            .SelectMany(r => r.GetProperty("Instances").EnumerateArray());
        Assert.All(instances, i => Assert.Equal("terminated", i.GetProperty("State").GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task A_forwarding_port_has_its_source_dest_check_off_and_vpc_routes_through_it_until_its_ranges_are_emptied()
    {
        var cluster = NewCluster();
        var node = await CreateSiteAsync(cluster, "10.78.0.0/24", "10.79.0.0/24");

        var eni = (await AwsAsync("describe-network-interfaces", "--network-interface-ids", node.Port.Id)).GetProperty("NetworkInterfaces")[0];
        Assert.False(eni.GetProperty("SourceDestCheck").GetBoolean());
        Assert.Equal(["10.78.0.0/24", "10.79.0.0/24"], await RoutesThroughAsync(node));

        await Provider.SetAllowedAddressPairsAsync(node.Port.Id, [], CancellationToken.None);

        eni = (await AwsAsync("describe-network-interfaces", "--network-interface-ids", node.Port.Id)).GetProperty("NetworkInterfaces")[0];
        Assert.True(eni.GetProperty("SourceDestCheck").GetBoolean());
        Assert.Empty(await RoutesThroughAsync(node));
    }

    private async Task<string[]> RoutesThroughAsync(Node node) =>
        [.. (await AwsAsync("describe-route-tables", "--route-table-ids", node.Network.RouterId!)).GetProperty("RouteTables")[0].GetProperty("Routes").EnumerateArray()
            .Where(r => r.TryGetProperty("NetworkInterfaceId", out var eni) && eni.GetString() == node.Port.Id)
            .Select(r => r.GetProperty("DestinationCidrBlock").GetString()!)
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Everything_is_tagged_with_the_cluster_at_creation_and_the_instance_gets_the_eni_the_user_data_and_the_metadata()
    {
        var cluster = NewCluster();
        var node = await CreateSiteAsync(cluster);

        var instance = (await AwsAsync("describe-instances", "--instance-ids", node.Server.Id)).GetProperty("Reservations")[0].GetProperty("Instances")[0];
        var tags = instance.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
        Assert.Equal(cluster, tags["gridspan-cluster"]);
        Assert.Equal("gateway", tags["Name"]);
        Assert.Equal("gateway", tags["gridspan-role"]);
        Assert.Equal(node.Port.Id, instance.GetProperty("NetworkInterfaces")[0].GetProperty("NetworkInterfaceId").GetString());
        Assert.Equal("10.77.0.10", instance.GetProperty("PrivateIpAddress").GetString());
        var userData = await AwsAsync("describe-instance-attribute", "--instance-id", node.Server.Id, "--attribute", "userData");
        Assert.Equal("#cloud-config\n{}\n", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(userData.GetProperty("UserData").GetProperty("Value").GetString()!)));
        var address = (await AwsAsync("describe-addresses", "--allocation-ids", node.Address.Id)).GetProperty("Addresses")[0];
        Assert.Equal(node.Port.Id, address.GetProperty("NetworkInterfaceId").GetString());
        Assert.Equal(ServerStatus.Active, (await Provider.GetServerAsync(node.Server.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Creating_a_server_again_returns_the_instance_the_first_create_made()
    {
        var cluster = NewCluster();
        var node = await CreateSiteAsync(cluster);

        var again = await Provider.CreateServerAsync(ServerRequest(cluster, node.Port.Id, AwsSiteProvider.UniqueName(cluster, "admin")), CancellationToken.None);

        Assert.Equal(node.Server.Id, again.Id);
        Assert.Single(await Provider.ListAsync(cluster, CancellationToken.None), r => r.Kind == ResourceKind.Server);
    }

    [Fact]
    public void The_client_token_is_the_same_for_the_same_request_and_new_once_its_instance_is_terminated()
    {
        var request = ServerRequest("c1", "eni-1", "k");

        Assert.Equal(AwsSiteProvider.ClientToken(request, null), AwsSiteProvider.ClientToken(request with { }, null));
        Assert.NotEqual(AwsSiteProvider.ClientToken(request, null), AwsSiteProvider.ClientToken(request, "i-0123"));
        Assert.NotEqual(AwsSiteProvider.ClientToken(request, null), AwsSiteProvider.ClientToken(request with { PortId = "eni-2" }, null));
        Assert.InRange(AwsSiteProvider.ClientToken(request, null).Length, 1, 64);
    }

    [Fact]
    public async Task Check_confirms_credentials_images_types_and_limits_and_names_a_missing_ami_and_an_unknown_instance_type()
    {
        var good = Site("good", Image, "t3.micro", "us-east-1a");
        var bad = Site("bad", "ami-0123456789abcdef0", "t9.nonexistent");

        var findings = await new AwsCheck(Moto.Endpoint).CheckSitesAsync([good, bad], CancellationToken.None);

        var goodFindings = findings.Where(f => f.Site == "good").ToList();
        Assert.All(goodFindings, f => Assert.True(f.Ok, f.ToString()));
        Assert.Contains(goodFindings, f => f.Text.StartsWith("AWS accepts the credentials (account 123456789012", StringComparison.Ordinal));
        Assert.Contains(goodFindings, f => f.Text.StartsWith($"image '{Image}' is ami-", StringComparison.Ordinal));
        Assert.Contains(goodFindings, f => f.Text.StartsWith("instance type t3.micro: 2 vCPUs", StringComparison.Ordinal));
        Assert.Contains(goodFindings, f => f.Text.Contains("Elastic IPs fit the account's limit of 5", StringComparison.Ordinal));
        Assert.Contains(goodFindings, f => f.Text.StartsWith("not checked: the vCPU quota", StringComparison.Ordinal));
        var problems = findings.Where(f => f.Site == "bad" && !f.Ok).ToList();
        Assert.Contains(problems, f => f.Text.Contains("ami-0123456789abcdef0", StringComparison.Ordinal));
        Assert.Contains(problems, f => f.Text.Contains("t9.nonexistent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Minimums_resolve_to_the_smallest_current_generation_type_that_runs_the_image_and_the_instance_gets_it()
    {
        var cluster = NewCluster();
        var node = await CreateSiteAsync(cluster);
        var flavor = "cpus>=2 ram>=4GiB";

        var type = await Provider.ResolveInstanceTypeAsync(flavor, Image, CancellationToken.None);
        var server = await Provider.CreateServerAsync(ServerRequest(cluster, node.Port.Id, AwsSiteProvider.UniqueName(cluster, "admin")) with
        {
            Name = "worker", Flavor = flavor,
        }, CancellationToken.None);

        // moto's catalogue: 2 vCPUs and 4 GiB, x86_64 like the Ubuntu AMI, first by name (c5.large has more memory there).
        Assert.Equal("c5a.large", type.InstanceType.Value);
        var instance = (await AwsAsync("describe-instances", "--instance-ids", server.Id)).GetProperty("Reservations")[0].GetProperty("Instances")[0];
        Assert.Equal("c5a.large", instance.GetProperty("InstanceType").GetString());
        var smaller = (await AwsAsync("describe-instance-types")).GetProperty("InstanceTypes").EnumerateArray()
            .Where(t => t.GetProperty("CurrentGeneration").GetBoolean() && !t.GetProperty("BareMetal").GetBoolean()
                && t.GetProperty("ProcessorInfo").GetProperty("SupportedArchitectures").EnumerateArray().Any(a => a.GetString() == "x86_64")
                && t.GetProperty("VCpuInfo").GetProperty("DefaultVCpus").GetInt32() >= 2
                && t.GetProperty("MemoryInfo").GetProperty("SizeInMiB").GetInt64() >= 4096)
            .Where(t => (t.GetProperty("VCpuInfo").GetProperty("DefaultVCpus").GetInt32(), t.GetProperty("MemoryInfo").GetProperty("SizeInMiB").GetInt64())
                .CompareTo((2, 4096L)) < 0);
        Assert.Empty(smaller);
    }

    [Fact]
    public async Task Minimums_no_type_meets_are_an_error_that_says_so()
    {
        var failure = await Assert.ThrowsAsync<GridSpanException>(() => Provider.ResolveInstanceTypeAsync("cpus>=100000", Image, CancellationToken.None));

        Assert.Contains("no current-generation instance type", failure.Message, StringComparison.Ordinal);
        Assert.Contains("lower the minimums", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_provider_tells_create_and_check_the_sizes_of_named_types_and_minimums_and_leaves_out_unknown_ones()
    {
        var definition = new AwsProviderDefinition(Moto.Endpoint);

        var sizes = await definition.LookupFlavorsAsync(Site("good", Image, "t3.micro"),
            [("t3.micro", Image), ("cpus>=2 ram>=4GiB", Image), ("t9.nonexistent", Image)], CancellationToken.None);

        Assert.Equal(new FlavorSize(2, 1024), sizes["t3.micro"]);
        Assert.Equal(new FlavorSize(2, 4096), sizes["cpus>=2 ram>=4GiB"]);
        Assert.False(sizes.ContainsKey("t9.nonexistent"));
    }

    [Fact]
    public async Task Check_names_the_type_minimums_resolve_to()
    {
        var findings = await new AwsCheck(Moto.Endpoint).CheckSitesAsync([Site("min", Image, "cpus>=2 ram>=4GiB")], CancellationToken.None);

        Assert.Contains(findings, f => f.Ok && f.Text == "flavor 'cpus>=2 ram>=4GiB' is instance type c5a.large: 2 vCPUs, 4096 MiB");
    }

    [Fact]
    public async Task Check_says_whether_the_sites_zone_offers_each_instance_type_and_where_it_is_offered_instead()
    {
        // moto's offerings follow AWS's: us-east-1e has no t3 types, the other five zones of us-east-1 have them.
        var sites = new[] { Site("offered", Image, "t3.micro", "us-east-1a"), Site("missing", Image, "t3.micro", "us-east-1e"),
            Site("chosen-by-ec2", Image, "t3.micro"), Site("everywhere", Image, "t2.micro") };

        var findings = await new AwsCheck(Moto.Endpoint).CheckSitesAsync(sites, CancellationToken.None);

        CheckFinding Offering(string site) => Assert.Single(findings, f => f.Site == site && f.Text.Contains(" offered ", StringComparison.Ordinal));
        Assert.Equal(new CheckFinding("offered", true, "instance type t3.micro is offered in us-east-1a"), Offering("offered"));
        var missing = Offering("missing");
        Assert.False(missing.Ok);
        Assert.Equal("instance type t3.micro is not offered in us-east-1e; it is in us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f", missing.Text);
        Assert.Contains("`availabilityZone`", missing.Fix, StringComparison.Ordinal);
        var chosen = Offering("chosen-by-ec2");
        Assert.False(chosen.Ok);
        Assert.Equal("instance type t3.micro is offered in us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f, not in us-east-1e, and EC2 " +
            "chooses the zone of the site's subnet", chosen.Text);
        Assert.Equal("set `availabilityZone` to one of us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f", chosen.Fix);
        Assert.Equal(new CheckFinding("everywhere", true, "instance type t2.micro is offered in every zone of us-east-1"), Offering("everywhere"));
    }

    private static SiteSpec Site(string name, string image, string flavor, string? zone = null) =>
        new(name, "aws", Settings with { AvailabilityZone = zone }, new MasterSpec(flavor, image, true), null, []);
}
