using GridSpan.Common;

namespace GridSpan.Cli.Tests;

public sealed class CheckCommandTests
{
    [Fact]
    public async Task A_missing_file_is_not_found()
    {
        var run = await CliRun.InvokeAsync("check", "-c", "/nonexistent/cluster.yaml");

        Assert.Equal((int)ExitCode.NotFound, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_file_gets_its_config_errors_and_no_cloud_is_asked()
    {
        var run = await CliRun.InvokeAsync("check", "-c", SourceTree.Path("tests/GridSpan.Cli.Tests/Fixtures/five-mistakes.yaml"));

        Assert.Equal((int)ExitCode.InvalidConfig, run.ExitCode);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Every_site_whose_cloud_is_missing_from_clouds_yaml_is_a_problem()
    {
        var clouds = Path.Combine(Path.GetTempPath(), $"gridspan-clouds-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(clouds, "clouds:\n  elsewhere:\n    auth: { auth_url: 'http://127.0.0.1:9/v3' }\n");
        try
        {
            var run = await CliRun.InvokeAsync(CliRun.ProcessEnvironment.With("OS_CLIENT_CONFIG_FILE", clouds),
                "check", "-c", SourceTree.Path("examples/openstack.yaml"));

            Assert.Equal((int)ExitCode.ProviderFailure, run.ExitCode);
            Assert.Contains("FAIL site 'bielefeld': " + clouds + " has no cloud named 'bielefeld' (it has: elsewhere)", run.Out, StringComparison.Ordinal);
            Assert.Contains("FAIL site 'giessen': " + clouds + " has no cloud named 'giessen' (it has: elsewhere)", run.Out, StringComparison.Ordinal);
            Assert.Contains("2 problems found", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(clouds);
        }
    }

    [Fact]
    public async Task Local_sites_are_checked_against_the_local_clouds_quotas_at_the_clusters_largest()
    {
        var state = Directory.CreateTempSubdirectory("gridspan-check-").FullName;
        var environment = CliRun.ProcessEnvironment.With("GRIDSPAN_LOCALCLOUD_STATE", state);
        try
        {
            var cloud = new Providers.Local.Cloud.LocalCloud(Providers.Local.LocalCloudEnvironment.Options(environment), new ProcessCommandRunner());
            await cloud.SetQuotaAsync(new Providers.Local.Cloud.QuotaRecord(10, 8), CancellationToken.None);

            var run = await CliRun.InvokeAsync(environment, "check", "-c", SourceTree.Path("examples/two-sites.yaml"));

            Assert.Equal((int)ExitCode.ProviderFailure, run.ExitCode);
            Assert.Contains("  ok site 'berlin': GridSpan runs as root", run.Out, StringComparison.Ordinal);
            Assert.Contains("  ok site 'berlin': image debian-12 is", run.Out, StringComparison.Ordinal);
            Assert.Contains("FAIL site 'berlin': quota: the cluster needs up to 16 servers in the local cloud, which allows 10 per cluster", run.Out, StringComparison.Ordinal);
            Assert.Contains("FAIL site 'berlin': quota: the site needs up to 10 servers on its network, which allows 8", run.Out, StringComparison.Ordinal);
            Assert.Contains("  ok site 'hamburg': quota: 6 servers at most, of 8 per network", run.Out, StringComparison.Ordinal);
            Assert.Contains("2 problems found", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
