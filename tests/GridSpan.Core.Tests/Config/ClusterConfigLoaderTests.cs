using System.Net;
using GridSpan.Config;

namespace GridSpan.Core.Tests.Config;

public sealed class ClusterConfigLoaderTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_minimal_file_gets_the_documented_defaults()
    {
        var spec = _files.LoadValid(ConfigTestFiles.Minimal);

        Assert.Equal("demo", spec.Name);
        Assert.Equal("root", spec.Ssh.User);
        Assert.Empty(spec.Ssh.PublicKeys);
        Assert.Equal(OverlayKind.WireGuard, spec.Overlay.Kind);
        Assert.Equal(IPNetwork.Parse("10.99.0.0/24"), spec.Overlay.Cidr);
        Assert.Equal<string>(["/home"], spec.Storage.Shares);
        Assert.Equal(new SlurmSpec(300, 300), spec.Slurm);
        var site = Assert.Single(spec.Sites);
        Assert.Equal(new MasterSpec("small", "debian-12", false), site.Master);
        Assert.Null(site.Gateway);
        var group = Assert.Single(site.Workers);
        Assert.Equal(("cpu", "small", "debian-12", 1, 0), (group.Name, group.Flavor, group.Image, group.Count, group.OnDemand));
        Assert.Empty(group.Features);
    }

    [Fact]
    public void The_example_of_the_issue_loads_with_every_value_in_place()
    {
        _files.Write("home/.ssh/id_ed25519.pub", ConfigTestFiles.Ed25519Key + "\n");
        var spec = _files.LoadValid("""
            name: demo                       # cluster name
            ssh: { user: root, publicKeys: [~/.ssh/id_ed25519.pub] }
            sites:
              - name: berlin                 # first site hosts the master
                provider: lab
                lab: { subnet: 10.11.0.0/24, mtu: 1500 }
                master: { flavor: small, image: debian-12, compute: false }
                workers:
                  - { name: cpu, flavor: small, image: debian-12, count: 2 }
                  - { name: big, flavor: large, image: debian-12, onDemand: 8, features: [highmem] }
              - name: hamburg
                provider: lab
                gateway: { flavor: small, image: debian-12 }
                workers:
                  - { name: cpu, flavor: small, image: debian-12, count: 1, onDemand: 4 }
            overlay: { kind: wireguard, cidr: 10.99.0.0/24 }
            storage: { shares: [/home, /vol/spool] }
            slurm: { suspendTime: 300, resumeTimeout: 300 }
            """);

        Assert.Equal<string>([ConfigTestFiles.Ed25519Key], spec.Ssh.PublicKeys);
        Assert.Equal(["berlin", "hamburg"], spec.Sites.Select(s => s.Name));
        Assert.Equal(IPNetwork.Parse("10.11.0.0/24"), spec.Sites[0].Settings.Subnet);
        Assert.Equal(1500, spec.Sites[0].Settings.Mtu);
        Assert.Null(spec.Sites[1].Settings.Subnet);
        Assert.Equal(new GatewaySpec("small", "debian-12"), spec.Sites[1].Gateway);
        Assert.Equal<string>(["highmem"], spec.Sites[0].Workers[1].Features);
        Assert.Equal(8, spec.Sites[0].Workers[1].OnDemand);
        Assert.Equal((1, 4), (spec.Sites[1].Workers[0].Count, spec.Sites[1].Workers[0].OnDemand));
        Assert.Equal<string>(["/home", "/vol/spool"], spec.Storage.Shares);
        Assert.Same(spec.Sites[0], spec.MasterSite);
    }

    [Fact]
    public void Each_provider_reads_its_own_section()
    {
        var spec = _files.LoadValid("""
            name: demo
            sites:
              - { name: a, provider: lab, master: { flavor: s }, workers: [{ name: cpu, flavor: s, count: 1 }] }
              - { name: b, provider: cloud, cloud: { region: eu-1 }, gateway: { flavor: s } }
            """);

        Assert.Equal("eu-1", Assert.IsType<FakeProviders.Settings>(spec.Sites[1].Settings).Region);
        Assert.Equal("cloud", spec.Sites[1].Provider);
    }

    [Fact]
    public void Overlay_kinds_and_slurm_times_are_read()
    {
        var spec = _files.LoadValid(ConfigTestFiles.Minimal + """

            overlay: { kind: wireguard, cidr: 172.30.0.0/16 }
            slurm: { suspendTime: 600, resumeTimeout: 900 }
            """);

        Assert.Equal(new OverlaySpec(OverlayKind.WireGuard, IPNetwork.Parse("172.30.0.0/16")), spec.Overlay);
        Assert.Equal(new SlurmSpec(600, 900), spec.Slurm);
    }

    [Fact]
    public void An_empty_section_means_all_defaults()
    {
        var spec = _files.LoadValid(ConfigTestFiles.Minimal + "\nstorage:\noverlay: {}\n");

        Assert.Equal<string>(["/home"], spec.Storage.Shares);
        Assert.Equal(OverlayKind.WireGuard, spec.Overlay.Kind);
    }

    [Fact]
    public void Anchors_and_aliases_can_share_a_worker_definition()
    {
        var spec = _files.LoadValid("""
            name: demo
            sites:
              - name: a
                provider: lab
                master: &small { flavor: small }
                workers: &groups [{ name: cpu, flavor: small, count: 2 }]
              - name: b
                provider: lab
                gateway: *small
                workers: *groups
            """);

        var group = Assert.Single(spec.Sites[1].Workers);
        Assert.Equal(("cpu", "small", 2), (group.Name, group.Flavor, group.Count));
        Assert.Equal("small", spec.Sites[1].Gateway!.Flavor);
    }

    [Fact]
    public void A_file_with_errors_has_no_spec_and_its_errors_come_in_file_order()
    {
        var result = _files.Load("""
            name: Demo
            sites:
              - name: berlin
                provider: lab
                master: { flavor: small, compute: maybe }
                workers: [{ name: cpu, flavor: small, count: -1 }]
            """);

        Assert.Null(result.Spec);
        Assert.False(result.IsValid);
        Assert.Equal([(1, 7), (5, 39), (6, 50)], result.Errors.Select(e => (e.Location.Line, e.Location.Column)));
        Assert.All(result.Errors, e => Assert.Equal(ConfigTestFiles.FileName, e.Location.File));
    }

    [Fact]
    public void Loading_a_missing_file_is_an_error_not_an_exception()
    {
        var path = Path.Combine(_files.Directory, "nowhere.yaml");

        var result = ClusterConfigLoader.Load(path, FakeProviders.Registry, _files.Home);

        var error = Assert.Single(result.Errors);
        Assert.Null(result.Spec);
        Assert.Equal(path, error.Location.File);
        Assert.Contains("no such file", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/zero", "it is not a regular file (a device, FIFO or socket)")]
    [InlineData("/", "it is a directory, not a file")]
    [InlineData("a\0b.yaml", "the path holds a NUL character")]
    public void A_configuration_path_that_is_no_regular_file_is_an_error_not_an_exception(string path, string why)
    {
        var result = ClusterConfigLoader.Load(path, FakeProviders.Registry, _files.Home);

        var error = Assert.Single(result.Errors);
        Assert.Equal($"cannot read the configuration file: {why}", error.Problem);
    }

    [Fact]
    public void A_configuration_file_over_1_MiB_is_refused_before_parsing()
    {
        var path = _files.Write("huge.yaml", ConfigTestFiles.Minimal + "\n" + new string('#', ClusterConfigLoader.MaximumFileBytes) + "\n");

        var error = Assert.Single(ClusterConfigLoader.Load(path, FakeProviders.Registry, _files.Home).Errors);

        Assert.StartsWith("cannot read the configuration file: it is larger than 1024 KiB", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_public_keys_relative_to_the_files_directory()
    {
        _files.Write("cfg/keys/admin.pub", ConfigTestFiles.RsaKey + "\n");
        var path = _files.Write("cfg/cluster.yaml", "ssh: { publicKeys: [keys/admin.pub] }\n" + ConfigTestFiles.Minimal);

        var result = ClusterConfigLoader.Load(path, FakeProviders.Registry, _files.Home);

        Assert.Equal<string>([ConfigTestFiles.RsaKey], result.Spec!.Ssh.PublicKeys);
    }

    [Fact]
    public void Formatted_errors_escape_control_characters_of_rejected_values()
    {
        var result = _files.Load(ConfigTestFiles.Minimal.Replace("name: demo", "name: \"demo\\e[2J\\e]0;pwned\\a\\nforged: line\\u202e\"", StringComparison.Ordinal));

        var lines = result.FormatErrors().ToList();

        Assert.Equal("cluster.yaml:1:7: name: 'demo\\e[2J\\e]0;pwned\\u0007\\nforged: line\\u202E' is not a valid cluster name: it becomes part of host names, which allow only lowercase letters, digits and inner hyphens", lines[0]);
        Assert.All(lines, line => Assert.True(PrintableText.IsAllPrintable(line), line));
        Assert.All(result.Errors, error => Assert.True(PrintableText.IsAllPrintable(error.ToString())));
    }

    [Fact]
    public void A_file_with_thousands_of_errors_prints_fifty_and_counts_the_rest()
    {
        var features = string.Join(", ", Enumerable.Repeat("\"bad feature\"", 5000));
        var result = _files.Load(ConfigTestFiles.Minimal.Replace("count: 1", $"count: 1, features: [{features}]", StringComparison.Ordinal));

        var lines = result.FormatErrors().ToList();

        Assert.Equal(5000, result.Errors.Length);
        Assert.Equal((2 * ConfigLoadResult.MaximumPrintedErrors) + 1, lines.Count);
        Assert.Equal("... and 4950 more errors", lines[^1]);
    }

    [Fact]
    public void Formatted_errors_give_location_key_problem_and_an_indented_fix()
    {
        var result = _files.Load(ConfigTestFiles.Minimal.Replace("count: 1", "count: 1, colour: red", StringComparison.Ordinal));

        Assert.Equal(
            [
                "cluster.yaml:7:47: sites[0].workers[0].colour: unknown key 'colour'",
                "    fix: remove it; the keys allowed here are: name, flavor, image, count, onDemand, features",
            ],
            result.FormatErrors());
    }
}
