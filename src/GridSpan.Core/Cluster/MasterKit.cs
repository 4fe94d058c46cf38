using System.Collections.Immutable;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Cluster;

/// <summary>
/// What the master holds to create and delete on-demand nodes by itself, added to its bundle by
/// `create`: the plan, the configuration, the secrets a worker's bundle needs, the
/// <see cref="ElasticContext"/>, each site's cloud credentials for this cluster, the directories the
/// hooks write (locks, log) and a timer running `gridspan node reconcile`. Slurm runs the hooks as
/// SlurmUser, so everything here belongs to the slurm user, 0600 / 0700: no sudo, no setuid.
/// The self-contained binary itself is installed by <see cref="MasterBinary"/> (too big for a bundle).
/// </summary>
public static class MasterKit
{
    public const string Home = "/var/lib/gridspan/elastic";
    public const string LockDirectory = Home + "/locks";
    public const string LogDirectory = "/var/log/gridspan";
    public const string LogFile = LogDirectory + "/elastic.log";
    public const string ReconcileService = "gridspan-reconcile.service";
    public const string ReconcileTimer = "gridspan-reconcile.timer";
    public const string SlurmUser = "slurm";

    /// <summary>How often the master's timer runs a reconcile pass.</summary>
    public static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(30);

    public static string PlanFile => Path.Combine(Home, "plan.json");

    public static string SpecFile => Path.Combine(Home, "cluster.yaml");

    public static string ContextFile => Path.Combine(Home, ElasticContext.FileName);

    public static string SecretsFile => Path.Combine(Home, SecretStore.FileName);

    /// <summary>The cluster key, for the hooks' SSH client (new nodes authorise it for their login user).</summary>
    public static string IdentityFile => Path.Combine(Home, "id_ed25519");

    /// <summary>The master's bundle with the kit added (unchanged when the plan has no on-demand nodes).</summary>
    public static NodeBundle AddTo(NodeBundle master, ClusterPlan plan, string specText, ElasticContext context, ClusterSecrets secrets,
        IReadOnlyDictionary<string, string> credentialFiles)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(credentialFiles);
        ArgumentNullException.ThrowIfNull(secrets);
        if (!plan.Nodes.Any(n => n.OnDemand))
        {
            return master;
        }
        var files = new List<BundleFile>
        {
            Owned(PlanFile, PlanJson.Serialize(plan), secret: false),
            Owned(SpecFile, specText, secret: false),
            Owned(ContextFile, context.Serialize(), secret: false),
            Owned(SecretsFile, SecretStore.Serialize(ForMaster(plan, secrets)), secret: true),
            Owned(IdentityFile, secrets.ClusterSsh.PrivateKey, secret: true),
            BundleFile.Public($"/etc/systemd/system/{ReconcileService}", ReconcileServiceUnit()),
            BundleFile.Public($"/etc/systemd/system/{ReconcileTimer}", ReconcileTimerUnit()),
        };
        files.AddRange(credentialFiles.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => Owned(f.Key, f.Value, secret: true)));
        return master with
        {
            Files = master.Files.AddRange(files),
            Commands = master.Commands.AddRange(new[]
            {
                $"install -d -o {SlurmUser} -g {SlurmUser} -m 0700 {Home} {LockDirectory}",
                $"install -d -o {SlurmUser} -g {SlurmUser} -m 0750 {LogDirectory}",
                $"touch {LogFile} && chown {SlurmUser}:{SlurmUser} {LogFile} && chmod 0640 {LogFile}",
            }),
            Services = master.Services.Add(new BundleService(ReconcileTimer,
                [$"/etc/systemd/system/{ReconcileService}", $"/etc/systemd/system/{ReconcileTimer}"])),
        };
    }

    /// <summary>
    /// The secrets a worker's bundle is rendered from. The gateways' WireGuard private keys stay off
    /// the master (their public keys are kept: rendering checks every VPN node has a pair), and so
    /// does the SSH certificate authority's: every on-demand node's host certificate is issued with
    /// its host key, before the cluster is created, so the master never needs to sign one. Of the
    /// ipsec tunnels' keys only those of the master's own tunnels stay.
    /// </summary>
    public static ClusterSecrets ForMaster(ClusterPlan plan, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(secrets);
        return secrets with
        {
            WireGuard = secrets.WireGuard.ToImmutableSortedDictionary(
                p => p.Key, p => p.Key == plan.Master ? p.Value : p.Value with { PrivateKey = "" }, StringComparer.Ordinal),
            HostCertificateAuthority = secrets.HostCertificateAuthority with { PrivateKey = "" },
            Ipsec = secrets.Ipsec?.Where(p => plan.Overlay.Links.Any(l => l.Name == p.Key && (l.From == plan.Master || l.To == plan.Master)))
                .ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };
    }

    private static BundleFile Owned(string path, string content, bool secret) =>
        new(path, content, 0b110_000_000, SlurmUser, SlurmUser, secret);

    private static string ReconcileServiceUnit() => new TextLines()
        .Line("[Unit]")
        .Line("Description=GridSpan: delete servers no powered-up Slurm node owns, reset nodes whose server vanished")
        .Line("After=slurmctld.service")
        .Line()
        .Line("[Service]")
        .Line("Type=oneshot")
        .Line($"User={SlurmUser}")
        .Line($"ExecStart={NodePaths.GridSpanBinary} node reconcile")
        .ToString();

    private static string ReconcileTimerUnit() => new TextLines()
        .Line("[Unit]")
        .Line("Description=GridSpan: reconcile on-demand nodes periodically")
        .Line()
        .Line("[Timer]")
        .Line("OnActiveSec=30s")
        .Line($"OnUnitActiveSec={(int)ReconcileInterval.TotalSeconds}s")
        .Line("AccuracySec=5s")
        .Line()
        .Line("[Install]")
        .Line("WantedBy=timers.target")
        .ToString();
}
