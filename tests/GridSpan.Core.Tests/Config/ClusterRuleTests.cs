namespace GridSpan.Core.Tests.Config;

/// <summary>The rules that relate values to each other, one mistake at a time.</summary>
public sealed class ClusterRuleTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string TwoSites = """
        name: demo
        sites:
          - name: berlin
            provider: lab
            lab: { subnet: 10.11.0.0/24 }
            master: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: 1 }
          - name: hamburg
            provider: lab
            lab: { subnet: 10.12.0.0/24 }
            gateway: { flavor: small }
            workers:
              - { name: cpu, flavor: small, onDemand: 4 }
        """;

    private static string Change(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    [Fact]
    public void The_two_site_base_file_is_valid()
    {
        var spec = _files.LoadValid(TwoSites);

        Assert.Equal(2, spec.Sites.Length);
    }

    [Fact]
    public void Two_sites_with_the_same_name_are_an_error_at_the_second()
    {
        var error = _files.LoadOneError(Change(TwoSites, "name: hamburg", "name: berlin"));

        Assert.Equal("sites[1].name", error.KeyPath);
        Assert.Equal((9, 11), (error.Location.Line, error.Location.Column));
        Assert.Equal("the site name 'berlin' is already used by sites[0]", error.Problem);
    }

    [Fact]
    public void Two_worker_groups_with_the_same_name_in_one_site_are_an_error()
    {
        var error = _files.LoadOneError(Change(TwoSites, "      - { name: cpu, flavor: small, count: 1 }",
            "      - { name: cpu, flavor: small, count: 1 }\n      - { name: cpu, flavor: large, count: 1 }"));

        Assert.Equal("sites[0].workers[1].name", error.KeyPath);
        Assert.Equal("the worker group name 'cpu' is already used by sites[0].workers[0] in this site", error.Problem);
    }

    [Theory]
    [InlineData("name: Berlin", "sites[0].name", "write 'berlin'")]
    [InlineData("name: berlin_1", "sites[0].name", "write 'berlin-1'")]
    [InlineData("name: -berlin", "sites[0].name", "write 'berlin'")]
    [InlineData("name: demo", "name", null)]
    public void Names_must_be_host_name_labels(string line, string keyPath, string? fix)
    {
        var text = line == "name: demo" ? Change(TwoSites, "name: demo", "name: demo.cluster") : Change(TwoSites, "name: berlin", line);

        var error = _files.LoadOneError(text);

        Assert.Equal(keyPath, error.KeyPath);
        Assert.Contains("becomes part of host names", error.Problem, StringComparison.Ordinal);
        Assert.Equal(fix ?? "write 'demo-cluster'", error.Fix);
    }

    [Fact]
    public void A_worker_group_name_must_be_a_host_name_label()
    {
        var error = _files.LoadOneError(Change(TwoSites, "name: cpu, flavor: small, count: 1", "name: GPU, flavor: small, count: 1"));

        Assert.Equal("sites[0].workers[0].name", error.KeyPath);
        Assert.Equal("'GPU' is not a valid worker group name: it becomes part of host names, which allow only lowercase letters, digits and inner hyphens", error.Problem);
    }

    [Fact]
    public void The_longest_generated_node_name_must_fit_in_63_characters()
    {
        var tooLong = new string('g', 50);
        var fits = new string('g', 63 - "demo-berlin--001".Length);

        var error = _files.LoadOneError(Change(TwoSites, "name: cpu, flavor: small, count: 1", $"name: {tooLong}, flavor: small, count: 1"));
        _files.LoadValid(Change(TwoSites, "name: cpu, flavor: small, count: 1", $"name: {fits}, flavor: small, count: 1"));

        Assert.Equal("sites[0].workers[0].name", error.KeyPath);
        Assert.Equal($"node names such as 'demo-berlin-{tooLong}-001' would be 66 characters long, but a host name allows 63", error.Problem);
        Assert.Equal("shorten the cluster, site or group name by 3 characters together", error.Fix);
    }

    [Fact]
    public void The_master_host_name_must_fit_in_63_characters()
    {
        const string MasterOnly = "sites:\n  - { name: b, provider: lab, master: { flavor: small, compute: true } }\n";
        var tooLong = new string('c', 57);
        var fits = new string('c', 56);

        var error = _files.LoadOneError($"name: {tooLong}\n{MasterOnly}");
        _files.LoadValid($"name: {fits}\n{MasterOnly}");

        Assert.Equal("name", error.KeyPath);
        Assert.Equal((1, 7), (error.Location.Line, error.Location.Column));
        Assert.Equal($"the master's host name '{tooLong}-master' would be 64 characters long, but a host name allows 63", error.Problem);
        Assert.Equal("shorten the cluster name by 1 characters", error.Fix);
    }

    [Fact]
    public void A_gateway_host_name_must_fit_in_63_characters()
    {
        var withoutWorkers = Change(TwoSites, "    gateway: { flavor: small }\n    workers:\n      - { name: cpu, flavor: small, onDemand: 4 }", "    gateway: { flavor: small }");
        var tooLong = new string('h', 63 - "demo--gw".Length + 2);
        var fits = new string('h', 63 - "demo--gw".Length);

        var error = _files.LoadOneError(Change(withoutWorkers, "name: hamburg", $"name: {tooLong}"));
        _files.LoadValid(Change(withoutWorkers, "name: hamburg", $"name: {fits}"));

        Assert.Equal("sites[1].name", error.KeyPath);
        Assert.Equal((9, 11), (error.Location.Line, error.Location.Column));
        Assert.Equal($"the gateway's host name 'demo-{tooLong}-gw' would be 65 characters long, but a host name allows 63", error.Problem);
        Assert.Equal("shorten the cluster or site name by 2 characters together", error.Fix);
    }

    [Fact]
    public void The_node_number_widens_with_the_group_size()
    {
        var name = new string('g', 63 - "demo-berlin--001".Length);

        var error = _files.LoadOneError(Change(TwoSites, "name: cpu, flavor: small, count: 1", $"name: {name}, flavor: small, count: 1000"));

        Assert.Equal($"node names such as 'demo-berlin-{name}-1000' would be 64 characters long, but a host name allows 63", error.Problem);
        Assert.Equal("shorten the cluster, site or group name by 1 characters together", error.Fix);
    }

    [Fact]
    public void Node_names_of_two_sites_must_not_collide()
    {
        var error = _files.LoadOneError(Change(Change(TwoSites, "name: berlin", "name: a-b"), "name: hamburg", "name: a")
            .Replace("name: cpu, flavor: small, onDemand: 4", "name: b-cpu, flavor: small, onDemand: 4", StringComparison.Ordinal));

        Assert.Equal("sites[1].workers[0].name", error.KeyPath);
        Assert.Equal("this group's nodes would have the same names as those of sites[0].workers[0] (demo-a-b-cpu-001, ...)", error.Problem);
    }

    [Fact]
    public void The_first_site_must_have_the_master()
    {
        var error = _files.LoadOneError(Change(TwoSites, "    master: { flavor: small }\n", ""));

        Assert.Equal("sites[0].master", error.KeyPath);
        Assert.Equal("the first site has no master", error.Problem);
        Assert.Equal((3, 5), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void A_master_on_another_site_is_an_error_once()
    {
        var error = _files.LoadOneError(Change(Change(TwoSites, "    master: { flavor: small }\n", ""), "gateway: { flavor: small }",
            "gateway: { flavor: small }\n    master: { flavor: small }"));

        Assert.Equal("sites[1].master", error.KeyPath);
        Assert.StartsWith("only the first site may have a master", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_master_beyond_the_first_sites_is_an_error()
    {
        var errors = _files.LoadErrors(Change(TwoSites, "gateway: { flavor: small }", "gateway: { flavor: small }\n    master: { flavor: small }")
            + "\n  - { name: c, provider: lab, gateway: { flavor: s }, master: { flavor: s } }\n");

        Assert.Equal(["sites[1].master", "sites[2].master"], errors.Select(e => e.KeyPath));
    }

    [Fact]
    public void Every_site_but_the_first_needs_a_gateway()
    {
        var error = _files.LoadOneError(Change(TwoSites, "    gateway: { flavor: small }\n", ""));

        Assert.Equal("sites[1].gateway", error.KeyPath);
        Assert.Equal("the site 'hamburg' has no gateway; every site but the first needs one to join the overlay", error.Problem);
        Assert.Equal((9, 5), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void The_first_site_has_no_gateway()
    {
        var error = _files.LoadOneError(Change(TwoSites, "master: { flavor: small }", "master: { flavor: small }\n    gateway: { flavor: small }"));

        Assert.Equal("sites[0].gateway", error.KeyPath);
        Assert.Equal("remove 'gateway:' from the first site", error.Fix);
    }

    [Fact]
    public void A_section_of_another_provider_is_an_error()
    {
        var error = _files.LoadOneError(Change(TwoSites, "lab: { subnet: 10.12.0.0/24 }", "cloud: { region: eu-1 }"));

        Assert.Equal("sites[1].cloud", error.KeyPath);
        Assert.Equal("a 'cloud:' section on a site whose provider is 'lab'", error.Problem);
        Assert.Equal("remove the 'cloud:' section, or set 'provider: cloud'", error.Fix);
    }

    [Fact]
    public void Overlapping_site_subnets_are_an_error_at_the_later_site()
    {
        var error = _files.LoadOneError(Change(TwoSites, "10.12.0.0/24", "10.11.0.128/25"));

        Assert.Equal("sites[1].lab.subnet", error.KeyPath);
        Assert.Equal("the subnet 10.11.0.128/25 overlaps the subnet 10.11.0.0/24 of site 'berlin'", error.Problem);
    }

    [Fact]
    public void A_given_overlay_range_must_not_collide_with_a_site()
    {
        var error = _files.LoadOneError(TwoSites + "\noverlay: { cidr: 10.12.0.0/16 }\n");

        Assert.Equal("overlay.cidr", error.KeyPath);
        Assert.Equal("the overlay range 10.12.0.0/16 collides with the subnet 10.12.0.0/24 of site 'hamburg'", error.Problem);
    }

    [Fact]
    public void A_site_colliding_with_the_default_overlay_range_is_an_error_at_the_site()
    {
        var error = _files.LoadOneError(Change(TwoSites, "10.12.0.0/24", "10.99.0.0/16"));

        Assert.Equal("sites[1].lab.subnet", error.KeyPath);
        Assert.Contains("the default is 10.99.0.0/24", error.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.99.0.1/24")]
    [InlineData("fd00::/64")]
    [InlineData("10.0.0.0/30")]
    [InlineData("overlay")]
    public void The_overlay_range_must_be_an_ipv4_network_with_room(string cidr)
    {
        var error = _files.LoadOneError(TwoSites + $"\noverlay: {{ cidr: '{cidr}' }}\n");

        Assert.Equal("overlay.cidr", error.KeyPath);
        Assert.Equal($"'{cidr}' is not an IPv4 range between /8 and /29 with its host bits zero", error.Problem);
    }

    [Fact]
    public void An_overlay_range_written_with_host_bits_is_refused_with_its_network_address_suggested()
    {
        var error = _files.LoadOneError(TwoSites + "\noverlay: { cidr: 10.99.0.1/24 }\n");

        Assert.Equal("overlay.cidr", error.KeyPath);
        Assert.Equal("write the range's network address: 10.99.0.0/24", error.Fix);
    }

    [Fact]
    public void The_overlay_range_needs_an_address_for_the_master_and_each_gateway()
    {
        var sites = string.Concat(Enumerable.Range(0, 6).Select(i => $"\n  - {{ name: s{i}, provider: lab, gateway: {{ flavor: s }} }}"));
        var error = _files.LoadOneError(TwoSites + sites + "\noverlay: { cidr: 10.99.0.0/29 }\n");

        Assert.Equal("10.99.0.0/29 has too few addresses for the master and 7 gateways", error.Problem);
    }

    [Theory]
    [InlineData("home", "'home' is not an absolute path")]
    [InlineData("/", "'/' is the root directory: the master's whole file system would be exported to every node")]
    [InlineData("//", "'//' is not a normalised path (no '//', '.' or '..' parts, no '/' at the end)")]
    [InlineData("/vol/../etc", "'/vol/../etc' is not a normalised path (no '//', '.' or '..' parts, no '/' at the end)")]
    [InlineData("/home/", "'/home/' is not a normalised path (no '//', '.' or '..' parts, no '/' at the end)")]
    [InlineData("/my share", "'/my share' holds the character ' ', which a share may not hold")]
    public void Shares_must_be_normalised_absolute_paths(string share, string problem)
    {
        var error = _files.LoadOneError(TwoSites + $"\nstorage: {{ shares: [/data, '{share}'] }}\n");

        Assert.Equal("storage.shares[1]", error.KeyPath);
        Assert.Equal(problem, error.Problem);
    }

    [Theory]
    [InlineData("/home;touch${IFS}/tmp/x")]
    [InlineData("/home$(id)")]
    [InlineData("/home`id`")]
    [InlineData("/home|id")]
    [InlineData("/home&&id")]
    [InlineData("/home>x")]
    [InlineData("/home/*")]
    [InlineData("/home\"x")]
    [InlineData("/home#comment")]
    [InlineData("/home/%h")]
    [InlineData("/home\\x")]
    [InlineData("/home/\u00e9")]
    public void Shares_with_shell_exports_or_systemd_metacharacters_are_refused(string share)
    {
        var quoted = "'" + share.Replace("'", "''", StringComparison.Ordinal) + "'";

        var error = _files.LoadOneError(TwoSites + $"\nstorage: {{ shares: [{quoted}] }}\n");

        Assert.Equal("storage.shares[0]", error.KeyPath);
        Assert.Contains("which a share may not hold", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_share_with_a_control_character_is_refused_and_the_character_named()
    {
        var error = _files.LoadOneError(TwoSites + "\nstorage: { shares: [\"/home\\nx\"] }\n");

        Assert.Equal("'/home\nx' holds the character U+000A, which a share may not hold", error.Problem);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/etc/munge")]
    [InlineData("/etc/wireguard")]
    [InlineData("/root")]
    [InlineData("/usr")]
    [InlineData("/usr/local")]
    [InlineData("/boot")]
    [InlineData("/proc")]
    [InlineData("/sys")]
    [InlineData("/dev")]
    [InlineData("/run")]
    [InlineData("/var")]
    [InlineData("/var/lib/gridspan")]
    [InlineData("/bin")]
    [InlineData("/sbin")]
    [InlineData("/lib")]
    [InlineData("/lib64")]
    [InlineData("/tmp")]
    public void System_directories_and_directories_inside_them_cannot_be_shared(string share)
    {
        var error = _files.LoadOneError(TwoSites + $"\nstorage: {{ shares: [/home, {share}] }}\n");

        Assert.Equal("storage.shares[1]", error.KeyPath);
        Assert.Contains("system directory", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/home")]
    [InlineData("/srv/data")]
    [InlineData("/vol/spool")]
    [InlineData("/opt/software")]
    [InlineData("/home2")]
    [InlineData("/variable")]
    [InlineData("/data/a_b-c.d+e")]
    public void Ordinary_directories_can_be_shared(string share)
    {
        var spec = _files.LoadValid(TwoSites + $"\nstorage: {{ shares: [{share}] }}\n");

        Assert.Equal<string>([share], spec.Storage.Shares);
    }

    [Fact]
    public void A_share_listed_twice_is_an_error()
    {
        var error = _files.LoadOneError(TwoSites + "\nstorage: { shares: [/home, /data, /home] }\n");

        Assert.Equal("storage.shares[2]", error.KeyPath);
        Assert.Equal("'/home' is shared twice (also storage.shares[0])", error.Problem);
    }

    [Fact]
    public void The_same_share_written_with_a_double_slash_is_refused()
    {
        var error = _files.LoadOneError(TwoSites + "\nstorage: { shares: [/home, //home] }\n");

        Assert.Equal("storage.shares[1]", error.KeyPath);
        Assert.Equal("write /home", error.Fix);
    }

    [Theory]
    [InlineData("[/data, /data/project]", "'/data/project' lies inside the share '/data' (storage.shares[0]); shares must not nest")]
    [InlineData("[/data/project, /data]", "'/data' holds the share '/data/project' (storage.shares[0]); shares must not nest")]
    public void Nested_shares_are_refused(string shares, string problem)
    {
        var error = _files.LoadOneError(TwoSites + $"\nstorage: {{ shares: {shares} }}\n");

        Assert.Equal("storage.shares[1]", error.KeyPath);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void Shares_that_only_share_a_name_prefix_do_not_nest()
    {
        var spec = _files.LoadValid(TwoSites + "\nstorage: { shares: [/data, /data2] }\n");

        Assert.Equal<string>(["/data", "/data2"], spec.Storage.Shares);
    }

    [Fact]
    public void A_worker_group_without_nodes_is_an_error()
    {
        var error = _files.LoadOneError(Change(TwoSites, "name: cpu, flavor: small, onDemand: 4", "name: cpu, flavor: small, count: 0"));

        Assert.Equal("sites[1].workers[0]", error.KeyPath);
        Assert.Equal("the group 'cpu' has no nodes: count and onDemand are both 0", error.Problem);
    }

    [Fact]
    public void A_cluster_where_no_node_computes_is_an_error()
    {
        var error = _files.LoadOneError("""
            name: demo
            sites:
              - { name: a, provider: lab, master: { flavor: s } }
            """);

        Assert.Equal("sites", error.KeyPath);
        Assert.StartsWith("no node of the cluster runs jobs", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_computing_master_alone_is_a_cluster()
    {
        var spec = _files.LoadValid("""
            name: demo
            sites:
              - { name: a, provider: lab, master: { flavor: s, compute: true } }
            """);

        Assert.True(spec.Sites[0].Master!.Compute);
    }

    [Fact]
    public void A_cluster_without_sites_is_an_error()
    {
        var error = _files.LoadOneError("name: demo\nsites: []\n");

        Assert.Equal("sites", error.KeyPath);
        Assert.Equal("the cluster has no site", error.Problem);
        Assert.Equal("add at least one site with a master, e.g. '- { name: berlin, provider: cloud, master: { flavor: small } }'", error.Fix);
    }

    [Fact]
    public void A_provider_that_needs_its_section_says_so()
    {
        var errors = _files.LoadErrors(Change(TwoSites, "lab: { subnet: 10.12.0.0/24 }", "cloud: {}").Replace("provider: lab\n    cloud", "provider: cloud\n    cloud", StringComparison.Ordinal));

        var error = Assert.Single(errors);
        Assert.Equal("sites[1].cloud.region", error.KeyPath);
        Assert.Equal("the required key 'region' is missing", error.Problem);
    }

    [Fact]
    public void All_mistakes_of_a_file_are_reported_at_once()
    {
        var text = Change(Change(Change(Change(TwoSites, "name: hamburg", "name: berlin"), "    gateway: { flavor: small }\n", ""),
            "10.12.0.0/24", "10.11.0.0/24"), "count: 1", "count: many");

        var errors = _files.LoadErrors(text);

        Assert.Equal(["sites[0].workers[0].count", "sites[1].gateway", "sites[1].name", "sites[1].lab.subnet"], errors.Select(e => e.KeyPath));
    }

    [Fact]
    public void A_missing_provider_is_one_error_even_with_a_provider_section()
    {
        var error = _files.LoadOneError(Change(TwoSites, "    provider: lab\n    lab: { subnet: 10.12.0.0/24 }", "    lab: { subnet: 10.12.0.0/24 }"));

        Assert.Equal("sites[1].provider", error.KeyPath);
        Assert.Equal("the required key 'provider' is missing", error.Problem);
    }

    [Fact]
    public void A_subnet_under_another_key_name_is_reported_at_the_providers_section()
    {
        var error = _files.LoadOneError(Change(TwoSites, "    provider: lab\n    lab: { subnet: 10.12.0.0/24 }", "    provider: cloud\n    cloud: { region: eu-1, network: 10.11.0.0/16 }"));

        Assert.Equal("sites[1].cloud", error.KeyPath);
        Assert.Equal("the subnet 10.11.0.0/16 overlaps the subnet 10.11.0.0/24 of site 'berlin'", error.Problem);
    }
}
