using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Cli.Tests;

public sealed class PlanCommandTests
{
    private static readonly string TwoSites = SourceTree.Path("examples/two-sites.yaml");

    [Fact]
    public async Task Json_lists_the_all_partition_one_per_site_the_nodes_of_each_site_and_the_on_demand_nodes_apart()
    {
        var run = await CliRun.InvokeAsync("plan", "-c", TwoSites, "--json");

        Assert.Equal((int)ExitCode.Success, run.ExitCode);
        Assert.Equal("", run.Error);
        Snapshot.Matches("tests/GridSpan.Cli.Tests/Snapshots/plan-two-sites.json", run.Out);
        using var json = JsonDocument.Parse(run.Out);
        var slurm = json.RootElement.GetProperty("slurm");
        var partitions = slurm.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal("all", partitions[0].GetProperty("name").GetString());
        Assert.True(partitions[0].GetProperty("isDefault").GetBoolean());
        Assert.Contains(partitions, p => p.GetProperty("name").GetString() == "berlin");
        Assert.Contains(partitions, p => p.GetProperty("name").GetString() == "hamburg");
        Assert.Equal("demo-berlin-big-[001-008],demo-hamburg-cpu-[002-005]", slurm.GetProperty("cloudNodes").GetString());
        var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(6, nodes.Count(n => n.GetProperty("site").GetString() == "hamburg"));
        Assert.Equal(4, nodes.Count(n => n.GetProperty("site").GetString() == "hamburg" && n.GetProperty("onDemand").GetBoolean()));
    }

    [Fact]
    public async Task The_json_is_the_same_on_every_run()
    {
        var first = await CliRun.InvokeAsync("plan", "-c", TwoSites, "--json");
        var second = await CliRun.InvokeAsync("plan", "-c", TwoSites, "--json");
        Assert.Equal(first.Out, second.Out);
    }

    [Fact]
    public async Task The_summary_shows_sites_nodes_partitions_and_what_is_on_demand()
    {
        var run = await CliRun.InvokeAsync("plan", "-c", TwoSites);

        Assert.Equal((int)ExitCode.Success, run.ExitCode);
        Snapshot.Matches("tests/GridSpan.Cli.Tests/Snapshots/plan-two-sites.txt", run.Out);
        Assert.Contains("10.12.0.0/24", run.Out, StringComparison.Ordinal);
        Assert.Contains("demo-hamburg-gw", run.Out, StringComparison.Ordinal);
        Assert.Contains("On demand (Slurm creates and deletes them): demo-berlin-big-[001-008],demo-hamburg-cpu-[002-005]", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_file_gets_its_errors_and_the_config_exit_code()
    {
        var run = await CliRun.InvokeAsync("plan", "-c", SourceTree.Path("tests/GridSpan.Cli.Tests/Fixtures/five-mistakes.yaml"));

        Assert.Equal((int)ExitCode.InvalidConfig, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Contains("is invalid: 5 errors", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_not_found()
    {
        var run = await CliRun.InvokeAsync("plan", "-c", "/nonexistent/cluster.yaml");

        Assert.Equal((int)ExitCode.NotFound, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }
}
