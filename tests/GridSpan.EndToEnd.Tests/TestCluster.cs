using System.Diagnostics;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Plan;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Images;
using GridSpan.Providers.Local;
using GridSpan.Provision;

namespace GridSpan.EndToEnd.Tests;

/// <summary>
/// A real cluster on a local cloud of its own (own state directory, name prefix, namespaces and
/// GridSpan home), created with <see cref="ClusterCreator"/> exactly as `gridspan create` does.
/// Disposing terminates the cluster, checks the cloud holds nothing of it, and removes the cloud
/// with `down`, whether the test passed or not. Its cloud and home reach GridSpan through an
/// environment of its own (<see cref="Environment"/>), never through the process's.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly string _directory;
    private bool _terminated;

    private TestCluster(string directory, HostEnvironment environment, LocalCloud cloud, ClusterStateStore store, ProviderRegistry registry, string configPath,
        ClusterSpec spec, ClusterPlan plan)
    {
        _directory = directory;
        Environment = environment;
        Cloud = cloud;
        Store = store;
        Registry = registry;
        ConfigPath = configPath;
        Spec = spec;
        Plan = plan;
    }

    /// <summary>The environment GridSpan sees: this process's, with this cluster's local cloud and GridSpan home.</summary>
    public HostEnvironment Environment { get; }

    public LocalCloud Cloud { get; }

    public ClusterStateStore Store { get; }

    public ProviderRegistry Registry { get; }

    public string ConfigPath { get; }

    public ClusterSpec Spec { get; private set; }

    public ClusterPlan Plan { get; private set; }

    public CreateOutcome? FirstCreate { get; private set; }

    public TimeSpan FirstCreateTime { get; private set; }

    /// <summary>A local cloud and a cluster.yaml; the cluster is created by <see cref="CreateAsync()"/>.</summary>
    public static async Task<TestCluster> StartAsync(string yaml)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
        var directory = Path.Combine(Path.GetTempPath(), $"gridspan-e2e-{id}");
        Directory.CreateDirectory(directory);
        // The local provider finds its cloud through these (as the API server does).
        var environment = HostEnvironment.FromProcess()
            .With("GRIDSPAN_LOCALCLOUD_STATE", Path.Combine(directory, "cloud"))
            .With("GRIDSPAN_LOCALCLOUD_PREFIX", $"e{id}")
            .With("GRIDSPAN_HOME", Path.Combine(directory, "home"));
        var cloud = new LocalCloud(LocalCloudEnvironment.Options(environment), new ProcessCommandRunner());
        await cloud.PreflightAsync(CancellationToken.None);
        await cloud.Images.EnsureBuiltAsync(ImageRecipe.Debian12, _ => { }, force: false, CancellationToken.None);
        var configPath = Path.Combine(directory, "cluster.yaml");
        await File.WriteAllTextAsync(configPath, yaml);
        var registry = new ProviderRegistry([LocalProviderDefinition.For(environment)]);
        var loaded = ClusterConfigLoader.Load(configPath, registry, environment.HomeDirectory);
        var spec = loaded.Spec ?? throw new InvalidOperationException(string.Join("\n", loaded.FormatErrors()));
        var plan = Planner.Plan(spec, FlavorCatalog.FromProviders(spec, registry));
        return new TestCluster(directory, environment, cloud, ClusterStateStore.For(environment), registry, configPath, spec, plan);
    }

    /// <summary>The self-contained binary for masters is published once per build into this cache, shared by the tests.</summary>
    public static string MasterBinaryCache { get; } = Path.Combine(Path.GetTempPath(), "gridspan-e2e-master-binary");

    public ClusterCreator Creator() => new(Store, Registry, new ProcessCommandRunner())
    {
        MasterBinary = new MasterBinary(new ProcessCommandRunner(), MasterBinaryCache, Environment.Get(MasterBinary.OverrideVariable)),
    };

    public async Task<CreateOutcome> CreateAsync()
    {
        var clock = Stopwatch.StartNew();
        var outcome = await Creator().CreateAsync(ConfigPath, Spec, Plan, null, CancellationToken.None);
        if (FirstCreate is null)
        {
            FirstCreate = outcome;
            FirstCreateTime = clock.Elapsed;
        }
        return outcome;
    }

    /// <summary>
    /// Changes the validated spec behind the loader's back, for a test of what the cloud refuses although
    /// validate accepted it (an image removed from the cloud after validation, say).
    /// </summary>
    public void ChangeSpecAfterValidation(Func<ClusterSpec, ClusterSpec> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Spec = change(Spec);
        Plan = Planner.Plan(Spec, FlavorCatalog.FromProviders(Spec, Registry));
    }

    /// <summary>Rewrites cluster.yaml and runs create again, as a user who edited the file does.</summary>
    public async Task<CreateOutcome> CreateAsync(string yaml)
    {
        await File.WriteAllTextAsync(ConfigPath, yaml);
        var loaded = ClusterConfigLoader.Load(ConfigPath, Registry, Environment.HomeDirectory);
        Spec = loaded.Spec ?? throw new InvalidOperationException(string.Join("\n", loaded.FormatErrors()));
        Plan = Planner.Plan(Spec, FlavorCatalog.FromProviders(Spec, Registry));
        return await CreateAsync();
    }

    public ClusterWorkspace Open() => ClusterWorkspace.Open(Store, Plan.Name, Registry, new ProcessCommandRunner(), new ProcessCommandRunner(),
        Environment.HomeDirectory);

    /// <summary>Runs a shell command on a node as the cluster user; fails the test with its stderr when it fails.</summary>
    public async Task<string> RunAsync(string node, string command, string? input = null)
    {
        await using var cluster = Open();
        var result = await cluster.Transport.Session(cluster.Target(node)).RunAsync(command, input, CancellationToken.None);
        Assert.True(result.Succeeded, $"on {node}: `{command}` failed with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput.Trim();
    }

    /// <summary>
    /// Runs a `gridspan` command in-process on this cluster's cloud and state, as a user at a terminal
    /// would (the command tree, its consoles, the environment it reads), and returns what it printed.
    /// </summary>
    public async Task<(int ExitCode, string Out, string Error)> CliAsync(params string[] args)
    {
        var binary = await new MasterBinary(new ProcessCommandRunner(), MasterBinaryCache, Environment.Get(MasterBinary.OverrideVariable))
            .EnsureAsync(CancellationToken.None);
        return await Testing.CliInProcess.RunAsync(Environment.With(MasterBinary.OverrideVariable, binary), args);
    }

    /// <summary>Terminates the cluster and returns what its cloud still holds (nothing, when it works).</summary>
    public async Task<IReadOnlyList<CloudResource>> TerminateAsync()
    {
        _terminated = true;
        var clusterId = Store.Require(Plan.Name).ClusterId;
        await using (var cluster = Open())
        {
            await cluster.Transport.CloseAsync(CancellationToken.None);
            await new ClusterTerminator().TerminateAsync(clusterId, cluster.Providers, null, CancellationToken.None);
        }
        Store.Delete(Plan.Name);
        return await Cloud.ListAsync(clusterId, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_terminated && Store.Load(Plan.Name) is not null)
            {
                try
                {
                    await TerminateAsync();
                }
                catch (GridSpanException)
                {
                    // `down` below removes whatever is left.
                }
            }
        }
        finally
        {
            await Cloud.DownAsync(CancellationToken.None);
            Directory.Delete(_directory, recursive: true);
        }
    }
}
