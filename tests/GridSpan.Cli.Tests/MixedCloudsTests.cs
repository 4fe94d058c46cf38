using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using GridSpan.Common;

namespace GridSpan.Cli.Tests;

/// <summary>examples/mixed.yaml: one cluster across an OpenStack cloud, an AWS region and an Azure region.</summary>
[SupportedOSPlatform("linux")]
public sealed class MixedCloudsTests : IDisposable
{
    private static readonly string Mixed = SourceTree.Path("examples/mixed.yaml");
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("gridspan-mixed-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task The_plan_has_one_partition_per_cloud_and_the_vpn_between_all_three()
    {
        var run = await CliRun.InvokeAsync("plan", "-c", Mixed, "--json");

        Assert.Equal((int)ExitCode.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var sites = json.RootElement.GetProperty("sites").EnumerateArray().ToList();
        Assert.Equal(["bielefeld openstack 10.20.0.0/24", "frankfurt aws 10.30.0.0/24", "amsterdam azure 10.40.0.0/24"],
            sites.Select(s => $"{s.GetProperty("name").GetString()} {s.GetProperty("provider").GetString()} {s.GetProperty("subnet").GetString()}"));
        Assert.True(sites[2].GetProperty("bootDataWithoutSecrets").GetBoolean());
        Assert.False(sites[1].TryGetProperty("bootDataWithoutSecrets", out _));
        var partitions = json.RootElement.GetProperty("slurm").GetProperty("partitions").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("bielefeld", partitions);
        Assert.Contains("frankfurt", partitions);
        Assert.Contains("amsterdam", partitions);
        Assert.Equal(["span-master", "span-frankfurt-gw", "span-amsterdam-gw"],
            json.RootElement.GetProperty("overlay").GetProperty("members").EnumerateArray().Select(m => m.GetProperty("node").GetString()));
    }

    [Fact]
    public async Task The_azure_nodes_user_data_holds_no_secret_and_their_host_key_comes_with_the_bundle()
    {
        var output = Path.Combine(_temp.FullName, "r");

        var run = await CliRun.InvokeAsync("render", "-c", Mixed, "-o", output);

        Assert.Equal((int)ExitCode.Success, run.ExitCode);
        var azure = File.ReadAllText(Path.Combine(output, "span-amsterdam-gw", "user-data"));
        Assert.DoesNotContain("PRIVATE KEY", azure, StringComparison.Ordinal);
        Assert.Contains("ssh_genkeytypes:\n  - ed25519\nemit_keys_to_console: true\n", azure, StringComparison.Ordinal);
        Assert.Contains("PRIVATE KEY", File.ReadAllText(Path.Combine(output, "span-frankfurt-gw", "user-data")), StringComparison.Ordinal);
        using var bundle = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "span-amsterdam-gw", "bundle.json")));
        var hostKey = bundle.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == "/etc/ssh/ssh_host_ed25519_key");
        Assert.True(hostKey.GetProperty("secret").GetBoolean());
    }

    [Fact]
    public async Task Check_reports_every_site_of_every_cloud()
    {
        var clouds = Path.Combine(_temp.FullName, "clouds.yaml");
        await File.WriteAllTextAsync(clouds, "clouds:\n  elsewhere:\n    auth: { auth_url: 'http://127.0.0.1:9/v3' }\n");

        var run = await CliRun.InvokeAsync(CliRun.ProcessEnvironment.With("OS_CLIENT_CONFIG_FILE", clouds), "check", "-c", Mixed);

        Assert.Equal((int)ExitCode.ProviderFailure, run.ExitCode);
        Assert.Contains($"FAIL site 'bielefeld': {clouds} has no cloud named 'bielefeld' (it has: elsewhere)", run.Out, StringComparison.Ordinal);
        // Whether this machine has AWS or Azure credentials is its own affair: each cloud's site is reported either way.
        Assert.Matches(new Regex("^(  ok|FAIL) site 'frankfurt': ", RegexOptions.Multiline), run.Out);
        Assert.Matches(new Regex("^(  ok site 'amsterdam': Azure accepts the credentials|FAIL site 'amsterdam': )", RegexOptions.Multiline), run.Out);
    }
}
