using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Cluster;

/// <summary>
/// One cluster, opened: its spec, plan, secrets and state, a connected provider per site, and the
/// SSH client that reaches its nodes. Every verb after `create` starts here. Dispose to close the
/// SSH connections and the providers.
/// </summary>
public sealed class ClusterWorkspace : IAsyncDisposable
{
    private readonly Lazy<SshTransport> _transport;

    private ClusterWorkspace(ClusterStateStore store, ClusterSpec spec, ClusterPlan plan, ClusterSecrets secrets, ClusterState state,
        ImmutableDictionary<string, ISiteProvider> providers, ICommandRunner clientRunner)
    {
        Store = store;
        Spec = spec;
        Plan = plan;
        Secrets = secrets;
        State = state;
        Providers = providers;
        ClientRunner = clientRunner;
        _transport = new(() => new SshTransport(
            SshTransportOptions.ForCluster(store.DirectoryOf(plan.Name), store.SaveIdentity(plan.Name, secrets.ClusterSsh.PrivateKey), store.RuntimeDirectory),
            ClientRunner));
    }

    public ClusterStateStore Store { get; }

    public ClusterSpec Spec { get; }

    public ClusterPlan Plan { get; }

    public ClusterSecrets Secrets { get; }

    /// <summary>The state; replaced (and saved) as provisioning and probing learn facts.</summary>
    public ClusterState State { get; private set; }

    /// <summary>A connected provider per site name.</summary>
    public ImmutableDictionary<string, ISiteProvider> Providers { get; }

    /// <summary>Runs ssh where the nodes' public addresses are reachable (see <see cref="ISiteProvider.ClientRunner"/>).</summary>
    public ICommandRunner ClientRunner { get; }

    public SshTransport Transport => _transport.Value;

    public string Directory => Store.DirectoryOf(Plan.Name);

    /// <summary>Connects a provider per site. <paramref name="runner"/> runs the providers' programs; <paramref name="clientRunner"/> runs ssh (before the provider's wrapping).</summary>
    public static ClusterWorkspace Connect(ClusterStateStore store, ClusterSpec spec, ClusterPlan plan, ClusterSecrets secrets, ClusterState state,
        ProviderRegistry registry, ICommandRunner runner, ICommandRunner clientRunner)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(state);
        var providers = spec.Sites.ToImmutableDictionary(site => site.Name, site =>
        {
            var definition = registry.Find(site.Provider) ?? throw GridSpanException.InvalidConfig(
                $"site '{site.Name}' uses provider '{site.Provider}', which this build of GridSpan does not have", $"use one of: {string.Join(", ", registry.Names)}");
            var directory = Path.Combine(store.DirectoryOf(spec.Name), "sites", site.Name);
            return definition.Connect(new SiteConnection(site, state.ClusterId, directory, runner));
        }, StringComparer.Ordinal);
        return new ClusterWorkspace(store, spec, plan, secrets, state, providers, providers[spec.MasterSite.Name].ClientRunner(clientRunner));
    }

    /// <summary>Opens a cluster created before, from its local state.</summary>
    /// <param name="homeDirectory">The user's home directory: what `~/` means in the cluster's configuration.</param>
    public static ClusterWorkspace Open(ClusterStateStore store, string name, ProviderRegistry registry, ICommandRunner runner, ICommandRunner clientRunner,
        string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(store);
        var state = store.Require(name);
        var plan = store.LoadPlan(name);
        var secrets = SecretStore.Load(store.DirectoryOf(name)) ?? throw GridSpanException.NotFound(
            $"cluster '{name}' has no secrets in {store.DirectoryOf(name)}",
            "without them its nodes cannot be reached; `gridspan terminate` still removes its resources");
        return Connect(store, LoadSpec(store, state, registry, homeDirectory), plan, secrets, state, registry, runner, clientRunner);
    }

    /// <summary>The cluster's configuration: the original file when it is still there and valid, else the copy kept in the state.</summary>
    /// <param name="homeDirectory">The user's home directory: what `~/` means in the configuration.</param>
    public static ClusterSpec LoadSpec(ClusterStateStore store, ClusterState state, ProviderRegistry registry, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(state);
        foreach (var path in new[] { state.SourceFile, store.SpecCopy(state.Name) })
        {
            if (File.Exists(path) && ClusterConfigLoader.Load(path, registry, homeDirectory).Spec is { } spec && spec.Name == state.Name)
            {
                return spec;
            }
        }
        throw GridSpanException.Failed($"cluster '{state.Name}': neither {state.SourceFile} nor the copy {store.SpecCopy(state.Name)} is a valid configuration of it",
            $"restore the file, or run `gridspan create -c FILE` with the cluster's configuration");
    }

    public void SaveState(ClusterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Store.Save(state);
        State = state;
    }

    /// <summary>How to reach every created node.</summary>
    public ImmutableDictionary<string, SshTarget> Targets() => ClusterTargets.Build(Plan, State, Secrets);

    /// <summary>The target of a node, or an error naming the nodes there are.</summary>
    public SshTarget Target(string node)
    {
        var targets = Targets();
        if (targets.TryGetValue(node, out var target))
        {
            return target;
        }
        throw Plan.FindNode(node) is { OnDemand: true }
            ? GridSpanException.NotFound($"node '{node}' of cluster '{Plan.Name}' is on demand and not running", "Slurm starts it when a job needs it")
            : GridSpanException.NotFound($"cluster '{Plan.Name}' has no node '{node}'", $"its nodes: {Hostlist.Format(targets.Keys.Order(StringComparer.Ordinal))}");
    }

    /// <summary>The facts GridSpan learnt that rendering needs: each VPN node's public endpoint.</summary>
    public ClusterFacts Facts() => new(Plan.Overlay.Members
        .Where(m => State.Nodes.TryGetValue(m.Node, out var f) && f.PublicAddress is not null)
        .ToImmutableSortedDictionary(m => m.Node, m => State.Nodes[m.Node].PublicAddress!, StringComparer.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_transport.IsValueCreated)
        {
            await _transport.Value.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var provider in Providers.Values)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }
    }
}
