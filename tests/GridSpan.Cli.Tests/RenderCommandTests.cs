using System.Runtime.Versioning;
using GridSpan.Common;

namespace GridSpan.Cli.Tests;

[SupportedOSPlatform("linux")]
public sealed class RenderCommandTests : IDisposable
{
    private static readonly string TwoSites = SourceTree.Path("examples/two-sites.yaml");
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("gridspan-render-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_temp.FullName, name);

    /// <summary>One of a node's files as its bundle.json lists it: path, mode, owner, and content or source.</summary>
    private System.Text.Json.JsonElement EntryOf(string output, string node, string path)
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Out($"{output}/{node}/bundle.json")));
        return manifest.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == path).Clone();
    }

    /// <summary>Where `render -o` wrote one of the files nodes share (DIR/shared/...), as the node's bundle.json says.</summary>
    private string SharedFileOf(string output, string node, string path) => Out($"{output}/{EntryOf(output, node, path).GetProperty("source").GetString()}");

    /// <summary>A node's file: inline in its bundle.json when only it has the file, else the shared file it names.</summary>
    private string ContentOf(string output, string node, string path) =>
        EntryOf(output, node, path).TryGetProperty("content", out var content) ? content.GetString()! : File.ReadAllText(SharedFileOf(output, node, path));

    [Fact]
    public async Task Every_node_gets_its_files_with_secrets_readable_by_the_owner_only()
    {
        var run = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"));

        Assert.Equal((int)ExitCode.Success, run.ExitCode);
        Assert.Contains("rendered 16 node(s)", run.Out, StringComparison.Ordinal);
        Assert.Equal(16, Directory.GetDirectories(Out("r")).Count(d => Path.GetFileName(d) != "shared"));
        var wg0 = EntryOf("r", "demo-hamburg-gw", "/etc/wireguard/wg0.conf");
        Assert.True(wg0.GetProperty("secret").GetBoolean());
        Assert.Equal("600", wg0.GetProperty("mode").GetString());
        // A bundle.json holding a secret's content is the owner's only, as the user data is.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Out("r/demo-hamburg-gw/bundle.json")));
        Assert.Equal(Out("r/shared/etc/munge/munge.key"), SharedFileOf("r", "demo-master", "/etc/munge/munge.key"));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Out("r/shared/etc/munge/munge.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Out("r/demo-master/user-data")));
        Assert.StartsWith("#cloud-config", File.ReadAllText(Out("r/demo-master/user-data")), StringComparison.Ordinal);
        Assert.StartsWith("# DNS of cluster demo", ContentOf("r", "demo-master", "/etc/dnsmasq.d/gridspan.conf"), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => EntryOf("r", "demo-berlin-cpu-001", "/etc/wireguard/wg0.conf"));
        Assert.True(File.Exists(Out("r/demo-hamburg-cpu-002/bundle.json")));
        // A file several nodes have alike is written once.
        Assert.Single(Directory.GetFiles(Out("r"), "slurm.conf", SearchOption.AllDirectories));
        Assert.Single(Directory.GetFiles(Out("r"), "ssh_known_hosts", SearchOption.AllDirectories));
        // Output names what was written, never a secret.
        var privateKey = ContentOf("r", "demo-hamburg-gw", "/etc/wireguard/wg0.conf").Split('\n').Single(l => l.StartsWith("PrivateKey = ", StringComparison.Ordinal))["PrivateKey = ".Length..];
        Assert.DoesNotContain(privateKey, run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlink_planted_inside_the_output_directory_is_refused_never_followed()
    {
        var first = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master");
        Assert.Equal((int)ExitCode.Success, first.ExitCode);
        var outside = Directory.CreateDirectory(Out("outside")).FullName;
        Directory.Delete(Out("r/demo-master"), recursive: true);
        File.CreateSymbolicLink(Out("r/demo-master"), outside);
        File.Delete(Out("r/plan.json"));
        File.CreateSymbolicLink(Out("r/plan.json"), Path.Combine(outside, "victim"));
        File.WriteAllText(Path.Combine(outside, "victim"), "untouched");

        var again = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master");

        Assert.NotEqual((int)ExitCode.Success, again.ExitCode);
        Assert.Contains("symbolic link", again.Error, StringComparison.Ordinal);
        Assert.Equal(["victim"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.Equal("untouched", File.ReadAllText(Path.Combine(outside, "victim")));
    }

    [Fact]
    public async Task A_file_where_a_nodes_directory_goes_is_an_error_and_is_left_alone()
    {
        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master");
        Directory.Delete(Out("r/demo-master"), recursive: true);
        File.WriteAllText(Out("r/demo-master"), "mine");

        var again = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master");

        Assert.NotEqual((int)ExitCode.Success, again.ExitCode);
        Assert.Contains("is a file where render puts a directory", again.Error.ReplaceLineEndings(""), StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Out("r/demo-master")));
    }

    [Fact]
    public async Task A_non_empty_directory_render_did_not_make_is_refused_and_its_own_is_reused()
    {
        Directory.CreateDirectory(Out("busy"));
        File.WriteAllText(Out("busy/notes.txt"), "mine");

        var refused = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("busy"), "--nodes", "demo-master");
        var first = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master");
        var again = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master");

        Assert.NotEqual((int)ExitCode.Success, refused.ExitCode);
        Assert.Contains("is not empty", refused.Error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Out("busy")).Select(Path.GetFileName));
        Assert.Equal((int)ExitCode.Success, first.ExitCode);
        Assert.Equal((int)ExitCode.Success, again.ExitCode);
        Assert.True(File.Exists(Out("r/.gridspan-render")));
    }

    [Fact]
    public async Task The_plan_written_with_the_files_is_the_plan_command_json()
    {
        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master");
        var plan = await CliRun.InvokeAsync("plan", "-c", TwoSites, "--json");
        Assert.Equal(plan.Out, File.ReadAllText(Out("r/plan.json")));
    }

    [Fact]
    public async Task Without_a_state_directory_every_render_has_new_secrets_and_with_one_they_are_kept()
    {
        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("a"), "--nodes", "demo-master");
        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("b"), "--nodes", "demo-master");
        Assert.NotEqual(ContentOf("a", "demo-master", "/etc/munge/munge.key"), ContentOf("b", "demo-master", "/etc/munge/munge.key"));

        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("c"), "--state", Out("state"));
        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("d"), "--state", Out("state"));
        Assert.Equal(ContentOf("c", "demo-hamburg-gw", "/etc/wireguard/wg0.conf"), ContentOf("d", "demo-hamburg-gw", "/etc/wireguard/wg0.conf"));
        Assert.Equal(ContentOf("c", "demo-master", "/etc/munge/munge.key"), ContentOf("d", "demo-master", "/etc/munge/munge.key"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Out("state/secrets.json")));
    }

    [Fact]
    public async Task A_nodes_own_directory_holds_two_files_with_only_what_differs_from_other_nodes_inline()
    {
        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"));
        string[] Own(string node) => [.. Directory.GetFileSystemEntries(Out($"r/{node}"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Out($"r/{node}"), f)).Order(StringComparer.Ordinal)];
        Assert.Equal(["bundle.json", "user-data"], Own("demo-berlin-big-002"));
        string[] Inline(string node)
        {
            using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Out($"r/{node}/bundle.json")));
            return [.. manifest.RootElement.GetProperty("files").EnumerateArray().Where(f => f.TryGetProperty("content", out _))
                .Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal)];
        }
        Assert.Equal(["/etc/hosts", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key-cert.pub", "/etc/ssh/ssh_host_ed25519_key.pub"],
            Inline("demo-berlin-big-002"));
        Assert.Equal("shared/etc/ssh/ssh_known_hosts", Path.GetRelativePath(Out("r"), SharedFileOf("r", "demo-berlin-big-002", "/etc/ssh/ssh_known_hosts")));
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", ContentOf("r", "demo-berlin-big-002", "/etc/ssh/ssh_host_ed25519_key"), StringComparison.Ordinal);
        // Written as read: g++, not g\u002B\u002B.
        Assert.Contains("\"g++\"", File.ReadAllText(Out("r/demo-berlin-big-002/bundle.json")), StringComparison.Ordinal);

        // A variant of a shared path (each site's workers route through their own gateway) gets a numbered name.
        Assert.NotEqual(SharedFileOf("r", "demo-berlin-big-002", "/usr/local/libexec/gridspan/routes"), SharedFileOf("r", "demo-hamburg-cpu-002", "/usr/local/libexec/gridspan/routes"));
        Assert.EndsWith(".v2", SharedFileOf("r", "demo-hamburg-cpu-002", "/usr/local/libexec/gridspan/routes"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_picks_the_nodes_to_render_by_hostlist()
    {
        var run = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-hamburg-cpu-[002-003],demo-master");

        Assert.Equal((int)ExitCode.Success, run.ExitCode);
        Assert.Equal(["demo-hamburg-cpu-002", "demo-hamburg-cpu-003", "demo-master", "shared"],
            Directory.GetDirectories(Out("r")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("SLURMD_OPTIONS=\"-b\"", ContentOf("r", "demo-hamburg-cpu-002", "/etc/default/slurmd"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slurm_version_and_runtime_change_the_slurm_conf()
    {
        await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-master", "--slurm-version", "23.11", "--runtime", "vm");
        var conf = ContentOf("r", "demo-master", "/etc/slurm/slurm.conf");
        Assert.Contains("cloud_reg_addrs", conf, StringComparison.Ordinal);
        Assert.Contains("ProctrackType=proctrack/cgroup", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("PrivateData", conf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_node_or_a_bad_version_is_an_error_without_a_stack_trace()
    {
        var unknown = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--nodes", "demo-nowhere-001");
        Assert.Equal((int)ExitCode.NotFound, unknown.ExitCode);
        Assert.Contains("has no node 'demo-nowhere-001'", unknown.Error, StringComparison.Ordinal);

        var version = await CliRun.InvokeAsync("render", "-c", TwoSites, "-o", Out("r"), "--slurm-version", "latest");
        Assert.Equal((int)ExitCode.Failure, version.ExitCode);
        Assert.DoesNotContain("   at ", version.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_says_that_secrets_are_written_and_how_they_are_protected()
    {
        var run = await CliRun.InvokeAsync("render", "--help");
        var help = run.Out.Replace("\n", " ", StringComparison.Ordinal);
        Assert.Contains("SECRETS ARE WRITTEN TOO", help, StringComparison.Ordinal);
        Assert.Contains("0600", help, StringComparison.Ordinal);
        Assert.Contains("throwaway", help, StringComparison.Ordinal);
    }
}
