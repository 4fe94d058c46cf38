using GridSpan.Common;

namespace GridSpan.Cli.Tests;

public sealed class ValidateCommandTests
{
    [Theory]
    [InlineData("examples/two-sites.yaml", "2 sites, 16 nodes (12 on demand)")]
    [InlineData("examples/three-sites.yaml", "3 sites, 13 nodes (2 on demand)")]
    [InlineData("examples/openstack.yaml", "2 sites, 18 nodes (14 on demand)")]
    [InlineData("examples/azure.yaml", "2 sites, 14 nodes (10 on demand)")]
    [InlineData("examples/mixed.yaml", "3 sites, 11 nodes (4 on demand)")]
    [InlineData("examples/ipsec.yaml", "2 sites, 6 nodes (2 on demand)")]
    public async Task The_examples_are_valid(string example, string summary)
    {
        var run = await CliRun.InvokeAsync("validate", "-c", SourceTree.Path(example));

        Assert.Equal("", run.Error);
        Assert.Equal($"{example} is valid: {summary}\n", SourceTree.Relative(run.Out));
        Assert.Equal((int)ExitCode.Success, run.ExitCode);
    }

    [Fact]
    public async Task A_file_with_five_mistakes_gets_five_precise_errors()
    {
        var run = await CliRun.InvokeAsync("validate", "--config", SourceTree.Path("tests/GridSpan.Cli.Tests/Fixtures/five-mistakes.yaml"));

        Assert.Equal((int)ExitCode.InvalidConfig, run.ExitCode);
        Assert.Equal("", run.Out);
        var errors = SourceTree.Relative(run.Error);
        Snapshot.Matches("tests/GridSpan.Cli.Tests/Snapshots/validate-five-mistakes.txt", errors);
        Assert.Equal(5, errors.Split('\n').Count(line => line.StartsWith("tests/GridSpan.Cli.Tests/Fixtures/five-mistakes.yaml:", StringComparison.Ordinal)
            && !line.EndsWith("errors", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Long_error_lines_are_not_wrapped()
    {
        var run = await CliRun.InvokeAsync("validate", "-c", SourceTree.Path("tests/GridSpan.Cli.Tests/Fixtures/five-mistakes.yaml"));

        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.True(line.StartsWith(SourceTree.Root, StringComparison.Ordinal) || line.StartsWith("    fix: ", StringComparison.Ordinal), line));
    }

    [Fact]
    public async Task A_missing_file_is_a_clear_error()
    {
        var run = await CliRun.InvokeAsync("validate", "-c", "/nonexistent/cluster.yaml");

        Assert.Equal((int)ExitCode.NotFound, run.ExitCode);
        Assert.Contains("the configuration file '/nonexistent/cluster.yaml' does not exist", run.Error, StringComparison.Ordinal);
        Assert.Contains("examples/two-sites.yaml", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_option_is_required()
    {
        var run = await CliRun.InvokeAsync("validate");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--config", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_explains_the_verb_and_its_exit_codes()
    {
        var run = await CliRun.InvokeAsync("validate", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("-c, --config", run.Out, StringComparison.Ordinal);
        Assert.Contains("exits 3", run.Out, StringComparison.Ordinal);
        Assert.Contains("file:line:column", run.Out, StringComparison.Ordinal);
    }
}
