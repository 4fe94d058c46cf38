using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Configure;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Secrets;

namespace GridSpan.Elastic;

/// <summary>
/// The cluster as the master's hooks see it, read from <see cref="MasterKit"/>'s files: plan,
/// configuration, secrets, context, a provider per site (with the credentials the kit installed)
/// and an SSH client of this process's own (hooks run concurrently; each keeps its client files
/// and connections apart and removes them at the end).
/// </summary>
public sealed class MasterSession : IAsyncDisposable
{
    private readonly SshTransport _transport;
    private readonly string _clientDirectory;

    private MasterSession(ElasticCluster cluster, SshTransport transport, string clientDirectory)
    {
        Cluster = cluster;
        _transport = transport;
        _clientDirectory = clientDirectory;
    }

    public ElasticCluster Cluster { get; }

    public static MasterSession Open(ProviderRegistry registry, ICommandRunner runner, MasterSessionPaths paths, Action<string>? echo)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(paths);
        var home = paths.Home;
        var log = new ElasticLog(paths.LogFile, echo);
        string Read(string name)
        {
            var file = Path.Combine(home, name);
            return File.Exists(file) ? File.ReadAllText(file) : throw GridSpanException.NotFound(
                $"{file} does not exist: this machine is not the master of a cluster with on-demand nodes",
                "`gridspan node` runs on the master, where `gridspan create` installed it; run `gridspan create` again to restore its files");
        }
        var plan = PlanJson.Deserialize(Read("plan.json"));
        var context = ElasticContext.Deserialize(Read(ElasticContext.FileName), Path.Combine(home, ElasticContext.FileName));
        var specPath = Path.Combine(home, "cluster.yaml");
        Read("cluster.yaml");
        var loaded = ClusterConfigLoader.Load(specPath, registry, paths.UserHome);
        var spec = loaded.Spec ?? throw GridSpanException.InvalidConfig($"{specPath} is not valid: {string.Join("; ", loaded.FormatErrors())}",
            "run `gridspan create` again to restore it");
        Read(SecretStore.FileName);
        var secrets = SecretStore.Load(home) ?? throw GridSpanException.NotFound($"no secrets in {home}");
        var providers = spec.Sites.ToImmutableDictionary(site => site.Name, site =>
            (registry.Find(site.Provider) ?? throw GridSpanException.InvalidConfig($"site '{site.Name}' uses provider '{site.Provider}', which this build lacks"))
                .Connect(new SiteConnection(site, context.ClusterId, Path.Combine(home, "sites", site.Name), runner)), StringComparer.Ordinal);
        var clientDirectory = PrivateFiles.CreateDirectory(PrivateFiles.RuntimeDirectory(paths.RuntimeDirectory), "gse-");
        // New nodes are on the master's own network or one tunnel away: a short connect timeout, retried while they boot.
        var transport = new SshTransport(new SshTransportOptions(Path.Combine(home, "id_ed25519"), clientDirectory, Path.Combine(clientDirectory, "c"))
        {
            ConnectTimeout = TimeSpan.FromSeconds(4),
        }, runner);
        var cluster = new ElasticCluster(plan, secrets, context, providers, transport, new SlurmControl(runner), log, Path.Combine(home, "locks"));
        return new MasterSession(cluster, transport, clientDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await _transport.DisposeAsync().ConfigureAwait(false);
        foreach (var provider in Cluster.Providers.Values)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            Directory.Delete(_clientDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
