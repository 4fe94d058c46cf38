using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Cluster;

/// <summary>
/// `gridspan create`: plan → secrets → provision every site → probe → render → configure the
/// static nodes (master, then gateways, then workers: each wave needs the one before for its VPN
/// and shares) → wait until Slurm sees every static node → delete the servers of nodes the
/// configuration no longer has. Each phase is idempotent, so running it
/// again continues after a failure and changes nothing on a finished cluster.
/// </summary>
public sealed class ClusterCreator(ClusterStateStore store, ProviderRegistry registry, ICommandRunner runner)
{
    /// <summary>Runs the ssh commands to the nodes (the CLI's prints each as it starts with --verbose); the creator's runner when null.</summary>
    public ICommandRunner? TransportRunner { get; init; }

    public TimeSpan ConnectWait { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan SlurmReadyTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public ClusterProvisioner Provisioner { get; init; } = new();

    /// <summary>Where the self-contained binary for the master comes from; null installs none (on-demand nodes then cannot start).</summary>
    public MasterBinary? MasterBinary { get; init; }

    /// <summary>Loads or starts the cluster's state, creates or completes its secrets, and connects its sites.</summary>
    private ClusterWorkspace Prepare(string configPath, ClusterSpec spec, ClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        var source = Path.GetFullPath(configPath);
        var state = store.Load(spec.Name);
        state = state is null
            ? ClusterState.New(spec.Name, source, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)))
            : state with { SourceFile = source };
        store.EnsureDirectory(spec.Name);
        var directory = store.DirectoryOf(spec.Name);
        var existing = SecretStore.Load(directory);
        var secrets = new SecretGenerator(SystemRandomSource.Instance).Generate(plan, existing);
        if (existing is null || !secrets.SecretValues().SequenceEqual(existing.SecretValues()))
        {
            SecretStore.Save(directory, secrets);
        }
        store.SavePlan(plan);
        store.SaveSpecCopy(spec.Name, configPath);
        store.Save(state);
        return ClusterWorkspace.Connect(store, spec, plan, secrets, state, registry, runner, TransportRunner ?? runner);
    }

    /// <summary>Creates (or finds) every site's resources and records what it learnt in the state.</summary>
    private async Task<ProvisionResult> ProvisionAsync(ClusterWorkspace cluster, IProgress<ProvisionEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var plan = cluster.Plan;
        var runtimeOf = plan.Sites.ToDictionary(s => s.Name, s => s.Runtime, StringComparer.Ordinal);
        var result = await Provisioner.ProvisionAsync(plan, cluster.State.ClusterId, cluster.Providers,
            node => CloudInitRenderer.Render(plan, node, cluster.Secrets, runtimeOf[node.Site]),
            cluster.Secrets.ClusterSsh.PublicKey, progress, cancellationToken).ConfigureAwait(false);
        var nodes = cluster.State.Nodes.ToBuilder();
        // Nodes the plan no longer has are forgotten before anything is rendered from the state; their
        // servers are deleted last (RemoveUnplannedAsync), once the rest of the cluster no longer uses them.
        var planned = plan.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        nodes.RemoveRange(nodes.Keys.Where(name => !planned.Contains(name)).ToList());
        foreach (var node in result.Nodes)
        {
            var same = nodes.TryGetValue(node.NodeName, out var known) && known.ServerId == node.ServerId;
            nodes[node.NodeName] = new NodeFacts(node.Site, node.ServerId, node.Address.ToString(), node.PublicAddress?.ToString(), node.HostKeys,
                same ? known!.Probe : null, same ? known!.ConvergedBundle : null);
        }
        cluster.SaveState(cluster.State with { Nodes = nodes.ToImmutable() });
        return result;
    }

    /// <summary>Probes new nodes, renders and converges every static node, and waits for Slurm.</summary>
    private async Task<ImmutableArray<ClusterConvergeResult>> ConfigureAsync(ClusterWorkspace cluster, IProgress<ConvergeStep>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var plan = cluster.Plan;
        var targets = cluster.Targets();
        var waves = new[] { NodeRole.Master, NodeRole.Gateway, NodeRole.Switch, NodeRole.Worker }
            .Select(role => plan.Nodes.Where(n => n.Role == role && !n.OnDemand && targets.ContainsKey(n.Name)).ToList())
            .Where(w => w.Count > 0).ToList();

        var hasOnDemand = plan.Nodes.Any(n => n.OnDemand);
        var binaryTask = hasOnDemand && MasterBinary is not null && targets.ContainsKey(plan.Master)
            ? MasterBinary.EnsureAsync(cancellationToken)
            : null;
        await ProbeAsync(cluster, targets, waves, progress, cancellationToken).ConfigureAwait(false);
        var probes = cluster.State.Nodes.Where(n => n.Value.Probe is not null).ToDictionary(n => n.Key, n => n.Value.Probe!, StringComparer.Ordinal);
        var renderer = new ClusterRenderer(plan, cluster.Secrets, cluster.Facts(), node => OptionsFor(plan, node, probes));
        var configurator = NodeLifecycle.Configurator(cluster.Transport, ConnectWait);
        var bundles = waves.SelectMany(w => w).ToDictionary(n => n.Name, n => renderer.Render(n.Name).Bundle, StringComparer.Ordinal);
        if (bundles.TryGetValue(plan.Master, out var masterBundle))
        {
            var credentials = plan.Nodes.Any(n => n.OnDemand)
                ? await IssueMasterCredentialsAsync(cluster, cancellationToken).ConfigureAwait(false)
                : [];
            bundles[plan.Master] = MasterKit.AddTo(masterBundle, plan, File.ReadAllText(cluster.Store.SpecCopy(plan.Name)),
                ElasticContext.Of(cluster.State), cluster.Secrets, credentials);
        }
        var hashes = bundles.ToDictionary(b => b.Key, b => BundleHash.Of(b.Value), StringComparer.Ordinal);
        // Waves exist for first converges (a worker's mounts need the master's sshd and the VPN). When every
        // node already converged to exactly this bundle, they only check for drift: all at once.
        if (hashes.All(h => cluster.State.Nodes[h.Key].ConvergedBundle == h.Value))
        {
            waves = [[.. waves.SelectMany(w => w)]];
        }
        var results = ImmutableArray.CreateBuilder<ClusterConvergeResult>();
        foreach (var wave in waves)
        {
            var assignments = wave.Select(n => new NodeAssignment(bundles[n.Name], targets[n.Name])).ToList();
            var result = await configurator.ConfigureAsync(assignments, progress, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            var nodes = cluster.State.Nodes.ToBuilder();
            foreach (var report in result.Reports)
            {
                nodes[report.NodeName] = nodes[report.NodeName] with { ConvergedBundle = hashes[report.NodeName] };
            }
            foreach (var failure in result.Failures)
            {
                nodes[failure.NodeName] = nodes[failure.NodeName] with { ConvergedBundle = null };
            }
            cluster.SaveState(cluster.State with { Nodes = nodes.ToImmutable() });
            result.EnsureSuccess();
            if (binaryTask is not null && wave.Any(n => n.Name == plan.Master))
            {
                await MasterBinary.InstallAsync(cluster.Transport, targets[plan.Master], await binaryTask.ConfigureAwait(false), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        await WaitForSlurmAsync(cluster, targets, cancellationToken).ConfigureAwait(false);
        return results.ToImmutable();
    }

    /// <summary>
    /// The whole of `gridspan create`, for the CLI and the tests alike: prepare, provision, configure,
    /// then remove the nodes the configuration no longer has; <paramref name="observer"/> hears of each phase.
    /// </summary>
    public async Task<CreateOutcome> CreateAsync(string configPath, ClusterSpec spec, ClusterPlan plan, CreateObserver? observer, CancellationToken cancellationToken)
    {
        await using var cluster = Prepare(configPath, spec, plan);
        observer?.Prepared?.Invoke(cluster);
        var provisioned = await ProvisionAsync(cluster, observer?.Resources, cancellationToken).ConfigureAwait(false);
        observer?.Provisioned?.Invoke(provisioned);
        Task<ImmutableArray<ClusterConvergeResult>> Configure(IProgress<ConvergeStep>? progress) => ConfigureAsync(cluster, progress, cancellationToken);
        var configured = await (observer?.Configuring is { } run ? run(Configure) : Configure(null)).ConfigureAwait(false);
        var removed = await RemoveUnplannedAsync(cluster, observer?.Resources, cancellationToken).ConfigureAwait(false);
        return new CreateOutcome(cluster.State.ClusterId, provisioned, configured, removed)
        {
            MasterPublicAddress = cluster.State.Nodes.GetValueOrDefault(plan.Master)?.PublicAddress,
        };
    }

    /// <summary>
    /// The last phase: deletes the servers of nodes the configuration no longer has, once the rest of
    /// the cluster was configured without them (provisioning already forgot them in the state).
    /// </summary>
    private static async Task<ImmutableArray<string>> RemoveUnplannedAsync(ClusterWorkspace cluster, IProgress<ProvisionEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return await ClusterProvisioner.RemoveUnplannedNodesAsync(cluster.Plan, cluster.State.ClusterId, cluster.Providers, progress, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>How a node is rendered: from its own probe, else (on demand, not running) from a running sibling's.</summary>
    public static RenderOptions OptionsFor(ClusterPlan plan, NodePlan node, IReadOnlyDictionary<string, NodeProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(probes);
        if (probes.TryGetValue(node.Name, out var probe))
        {
            return NodeProber.OptionsOf(probe);
        }
        // On-demand nodes are not running yet: they get what a running node of their site has.
        var sibling = plan.Nodes.FirstOrDefault(n => n.Site == node.Site && n.Group == node.Group && probes.ContainsKey(n.Name))
            ?? plan.Nodes.FirstOrDefault(n => n.Site == node.Site && probes.ContainsKey(n.Name));
        return sibling is not null ? NodeProber.OptionsOf(probes[sibling.Name]) : RenderOptions.Assumed(plan.Site(node.Site).Runtime);
    }

    /// <summary>
    /// The credentials for the master of each site with on-demand nodes (no other site's: the master
    /// never acts there), handed back what they issued before, and kept for the next create.
    /// </summary>
    private static async Task<Dictionary<string, string>> IssueMasterCredentialsAsync(ClusterWorkspace cluster, CancellationToken cancellationToken)
    {
        var name = cluster.Plan.Name;
        var issuedBefore = cluster.Store.LoadMasterCredentials(name);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var sites = cluster.Plan.Nodes.Where(n => n.OnDemand).Select(n => n.Site).ToHashSet(StringComparer.Ordinal);
        foreach (var provider in cluster.Providers.Where(p => sites.Contains(p.Key)).Select(p => p.Value))
        {
            foreach (var (path, content) in await provider.MasterCredentialsAsync(cluster.State.ClusterId, issuedBefore, cancellationToken).ConfigureAwait(false))
            {
                files[path] = content;
            }
        }
        cluster.Store.SaveMasterCredentials(name, files);
        return files;
    }

    private async Task ProbeAsync(ClusterWorkspace cluster, ImmutableDictionary<string, SshTarget> targets, List<List<NodePlan>> waves,
        IProgress<ConvergeStep>? progress, CancellationToken cancellationToken)
    {
        var found = new ConcurrentDictionary<string, NodeProbe>(StringComparer.Ordinal);
        var failures = new ConcurrentBag<string>();
        // Jump hosts first, so the nodes behind them share their connection.
        foreach (var wave in new[] { waves.SelectMany(w => w).Where(n => n.Role != NodeRole.Worker), waves.SelectMany(w => w).Where(n => n.Role == NodeRole.Worker) })
        {
            var pending = wave.Where(n => cluster.State.Nodes[n.Name].Probe is null).ToList();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (node, token) =>
            {
                progress?.Report(new ConvergeStep(node.Name, ConvergeStepKind.Connect, ConvergeStepStatus.Running, "probing the node"));
                try
                {
                    var session = await cluster.Transport.ConnectAsync(targets[node.Name], ConnectWait, token).ConfigureAwait(false);
                    found[node.Name] = await NodeProber.ProbeAsync(session, token).ConfigureAwait(false);
                }
                catch (GridSpanException failure)
                {
                    failures.Add(failure.Message);
                    progress?.Report(new ConvergeStep(node.Name, ConvergeStepKind.Done, ConvergeStepStatus.Failed, failure.Message));
                }
            }).ConfigureAwait(false);
            if (!found.IsEmpty)
            {
                var nodes = cluster.State.Nodes.ToBuilder();
                foreach (var (name, probe) in found)
                {
                    nodes[name] = nodes[name] with { Probe = probe };
                }
                cluster.SaveState(cluster.State with { Nodes = nodes.ToImmutable() });
            }
            if (!failures.IsEmpty)
            {
                throw GridSpanException.Failed(string.Join("\n", failures),
                    "check that the servers are running (`gridspan status`); `gridspan create` again continues where it stopped");
            }
        }
    }

    /// <summary>Waits until slurmctld reports every static node of the plan ready for jobs.</summary>
    private async Task WaitForSlurmAsync(ClusterWorkspace cluster, ImmutableDictionary<string, SshTarget> targets, CancellationToken cancellationToken)
    {
        var expected = cluster.Plan.Nodes.Where(n => n.RunsJobs && !n.OnDemand).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        if (expected.Count == 0)
        {
            return;
        }
        var master = cluster.Transport.Session(targets[cluster.Plan.Master]);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> notReady = [];
        CommandResult? result = null;
        if (await Wait.UntilAsync(async token =>
            {
                result = await master.RunAsync("sinfo -h -N -o '%N %t'", null, token).ConfigureAwait(false);
                states = SlurmStates.Parse(result.StandardOutput);
                notReady = [.. expected.Where(n => !states.TryGetValue(n, out var s) || !SlurmStates.IsReady(s)).Order(StringComparer.Ordinal)];
                return result.Succeeded && notReady.Count == 0;
            }, TimeSpan.FromMilliseconds(500), SlurmReadyTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        throw GridSpanException.Failed(
            $"node '{cluster.Plan.Master}': slurm: {Hostlist.Format(notReady)} not ready for jobs after {SlurmReadyTimeout.TotalSeconds:0} s (" +
            string.Join(", ", notReady.Select(n => $"{n}: {states.GetValueOrDefault(n, "unknown to slurmctld")}")) + ")" +
            (result is { Succeeded: false } ? $"; sinfo: {result.StandardError.Trim()}" : ""),
            $"look at slurmd on the node: `gridspan ssh {cluster.Plan.Name} NODE -- journalctl -u slurmd -n 50`");
    }
}

/// <summary>What `create` did: the cluster's id, the resources, each configure wave, and the nodes removed.</summary>
public sealed record CreateOutcome(string ClusterId, ProvisionResult Provisioned, ImmutableArray<ClusterConvergeResult> Configured, ImmutableArray<string> Removed)
{
    /// <summary>Where the master answers from outside its site.</summary>
    public string? MasterPublicAddress { get; init; }

    /// <summary>False when nothing was created, no node changed and none was removed: the cluster already was as planned.</summary>
    public bool Changed => Provisioned.Created > 0 || Configured.Any(c => c.Changed) || !Removed.IsEmpty;
}

/// <summary>Node states as `sinfo -N -o '%N %t'` prints them.</summary>
public static class SlurmStates
{
    public static Dictionary<string, string> Parse(string sinfo)
    {
        ArgumentNullException.ThrowIfNull(sinfo);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in sinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2)
            {
                states[parts[0]] = parts[1];
            }
        }
        return states;
    }

    /// <summary>Idle, allocated, mixed or completing, and responding (no '*').</summary>
    public static bool IsReady(string state) =>
        state is "idle" or "alloc" or "mix" or "comp" or "idle~" or "resv" or "plnd";
}
