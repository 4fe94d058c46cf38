using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Secrets;

namespace GridSpan.Cli.Tests;

/// <summary>
/// The cluster verbs' behaviour that needs no running cluster: unknown clusters, confirmation,
/// help. (Creating real clusters is tested end to end in GridSpan.EndToEnd.Tests.) Each test has a
/// GridSpan home and a local cloud of its own, given to the CLI as its environment.
/// </summary>
public sealed class ClusterCommandsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gridspan-cli-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly HostEnvironment _environment;

    public ClusterCommandsTests()
    {
        _environment = CliRun.ProcessEnvironment
            .With("GRIDSPAN_HOME", Path.Combine(_directory, "home"))
            .With("GRIDSPAN_LOCALCLOUD_STATE", Path.Combine(_directory, "cloud"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("status", "nosuch")]
    [InlineData("ssh", "nosuch")]
    public async Task A_cluster_without_state_is_reported_not_found(string verb, string name)
    {
        var run = await CliRun.InvokeAsync(_environment, verb, name);

        Assert.Equal((int)ExitCode.NotFound, run.ExitCode);
        Assert.Contains($"there is no cluster '{name}' on this machine", run.Error, StringComparison.Ordinal);
        Assert.Contains("gridspan create", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_of_a_cluster_nobody_knows_says_so()
    {
        var run = await CliRun.InvokeAsync(_environment, "terminate", "nosuch", "--yes");

        Assert.Equal((int)ExitCode.NotFound, run.ExitCode);
        Assert.Contains("there is no cluster 'nosuch': no local state and no resources tagged with its name", Flat(run.Error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_without_clusters_says_how_to_make_one()
    {
        var run = await CliRun.InvokeAsync(_environment, "list");

        Assert.Equal((int)ExitCode.Success, run.ExitCode);
        Assert.Equal("no clusters (create one with `gridspan create -c examples/two-sites.yaml`)\n", run.Out);
    }

    [Fact]
    public async Task Terminate_without_a_terminal_to_ask_wants_yes_and_deletes_nothing()
    {
        var store = new ClusterStateStore(Path.Combine(_directory, "home"));
        var registry = new ProviderRegistry(ProviderCatalog.All(_environment));
        var config = SourceTree.Path("examples/two-sites.yaml");
        var spec = ClusterConfigLoader.Load(config, registry, _environment.HomeDirectory).Spec!;
        var plan = Planner.Plan(spec, FlavorCatalog.FromProviders(spec, registry));
        store.Save(ClusterState.New("demo", config, "abcdef"));
        store.SavePlan(plan);
        SecretStore.Save(store.DirectoryOf("demo"), new SecretGenerator(SystemRandomSource.Instance).Generate(plan));

        var run = await CliRun.InvokeAsync(_environment, "terminate", "demo");

        Assert.Equal((int)ExitCode.Failure, run.ExitCode);
        Assert.Contains("terminating cluster 'demo' needs confirmation", Flat(run.Error), StringComparison.Ordinal);
        Assert.Contains("gridspan terminate demo --yes", Flat(run.Error), StringComparison.Ordinal);
        Assert.NotNull(store.Load("demo"));
    }

    [Fact]
    public async Task Create_refuses_an_invalid_configuration_before_touching_any_cloud()
    {
        var run = await CliRun.InvokeAsync(_environment, "create", "-c", SourceTree.Path("tests/GridSpan.Cli.Tests/Fixtures/five-mistakes.yaml"));

        Assert.Equal((int)ExitCode.InvalidConfig, run.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_directory, "home")));
    }

    [Theory]
    [InlineData("create", "continues where it stopped")]
    [InlineData("list", "tag")]
    [InlineData("status", "handshake")]
    [InlineData("ssh", "srun -N2 hostname")]
    [InlineData("terminate", "dependency order")]
    public async Task Each_verb_explains_itself_in_help(string verb, string phrase)
    {
        var run = await CliRun.InvokeAsync(_environment, verb, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(phrase, Flat(run.Out), StringComparison.Ordinal);
    }

    /// <summary>The console wraps long lines; compare text with every run of white space as one space.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
