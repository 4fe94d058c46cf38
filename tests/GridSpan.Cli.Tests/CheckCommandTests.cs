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
        var before = Environment.GetEnvironmentVariable("OS_CLIENT_CONFIG_FILE");
        Environment.SetEnvironmentVariable("OS_CLIENT_CONFIG_FILE", clouds);
        try
        {
            var run = await CliRun.InvokeAsync("check", "-c", SourceTree.Path("examples/openstack.yaml"));

            Assert.Equal((int)ExitCode.ProviderFailure, run.ExitCode);
            Assert.Contains("FAIL site 'bielefeld': " + clouds + " has no cloud named 'bielefeld' (it has: elsewhere)", run.Out, StringComparison.Ordinal);
            Assert.Contains("FAIL site 'giessen': " + clouds + " has no cloud named 'giessen' (it has: elsewhere)", run.Out, StringComparison.Ordinal);
            Assert.Contains("2 problems found", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OS_CLIENT_CONFIG_FILE", before);
            File.Delete(clouds);
        }
    }
}
