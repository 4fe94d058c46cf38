using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Secrets;
using GridSpan.Common.Quoting;
using GridSpan.Config;

namespace GridSpan.Render;

/// <summary>
/// Renders each node's bundle from the plan, the secrets and what provisioning found. Pure: no
/// file, network or clock. Files the same on many nodes (slurm.conf, mount units, known hosts) are
/// rendered once and shared, so a 10,000-node cluster renders in well under a second.
/// </summary>
public sealed class ClusterRenderer
{
    private const int Executable = 0b111_101_101;
    private readonly ClusterPlan _plan;
    private readonly ClusterSecrets _secrets;
    private readonly ClusterFacts _facts;
    private readonly Func<NodePlan, RenderOptions> _optionsFor;
    private readonly ImmutableDictionary<string, NodePlan> _nodes;
    private readonly Dictionary<(Version, NodeRuntime), string> _slurmConfs = [];
    private readonly Lazy<string> _knownHosts;
    private readonly Lazy<string> _authorizedKeys;
    private readonly Lazy<string> _routesUnit = new(RoutesRenderer.RenderUnit);
    private readonly Lazy<string> _masterSshd = new(() => SshdRenderer.RenderDropIn(takesBursts: true, readsManagedKeys: true, servesShares: true));
    private readonly Lazy<string> _gatewaySshd = new(() => SshdRenderer.RenderDropIn(takesBursts: true, readsManagedKeys: false));
    private readonly Lazy<string> _workerSshd = new(() => SshdRenderer.RenderDropIn(takesBursts: false, readsManagedKeys: false));
    private readonly ImmutableDictionary<string, SitePlan> _sites;
    private readonly ImmutableHashSet<string> _vpnNodes;
    private readonly ImmutableDictionary<string, SwitchPortPlan> _switchPorts;
    private readonly Dictionary<string, string> _workerRouteLines = [];
    private readonly Dictionary<(string Share, StorageTransport Transport, bool Vpn), string> _mountUnits = [];

    public ClusterRenderer(ClusterPlan plan, ClusterSecrets secrets, ClusterFacts facts, Func<NodePlan, RenderOptions> optionsFor)
    {
        _plan = plan ?? throw new ArgumentNullException(nameof(plan));
        _secrets = secrets ?? throw new ArgumentNullException(nameof(secrets));
        _facts = facts ?? throw new ArgumentNullException(nameof(facts));
        _optionsFor = optionsFor ?? throw new ArgumentNullException(nameof(optionsFor));
        _nodes = plan.Nodes.ToImmutableDictionary(n => n.Name, StringComparer.Ordinal);
        _sites = plan.Sites.ToImmutableDictionary(s => s.Name, StringComparer.Ordinal);
        _vpnNodes = plan.Overlay.Members.Select(m => m.Node).ToImmutableHashSet(StringComparer.Ordinal);
        _switchPorts = (plan.Overlay.Switch?.Ports ?? []).ToImmutableDictionary(p => p.Node, StringComparer.Ordinal);
        // Every node's files name the VPN nodes' WireGuard keys; a node's host key only its own files.
        // An ipsec tunnel's key is looked up only when one of its two ends is rendered.
        var missing = plan.Overlay.Kind == OverlayKind.Ipsec ? [] :
            plan.Overlay.Members.Select(m => m.Node).Where(n => !secrets.WireGuard.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw MissingKeys(missing);
        }
        _knownHosts = new(() => SshRenderer.RenderKnownHosts(_plan, _secrets));
        _authorizedKeys = new(() => SshRenderer.RenderAuthorizedKeys(_plan, _secrets));
    }

    /// <summary>The cluster user's key; secrets saved before it existed get it on the next `create`.</summary>
    private SshKeyPair UserKey => _secrets.UserSsh ?? throw GridSpanException.Failed(
        $"the secrets of cluster '{_plan.Name}' have no key for the cluster user", "run `gridspan create` again: it adds the missing key");

    private static GridSpanException MissingKeys(IReadOnlyCollection<string> nodes) =>
        GridSpanException.Failed($"the cluster's secrets have no keys for {Hostlist.Format(nodes)}",
            "generate the missing keys (SecretGenerator.Generate with the existing secrets keeps the others)");

    /// <summary>Every node's bundle, in the plan's order.</summary>
    public IEnumerable<RenderedNode> RenderAll() => _plan.Nodes.Select(n => Render(n.Name));

    public RenderedNode Render(string nodeName)
    {
        if (!_nodes.TryGetValue(nodeName, out var node))
        {
            throw GridSpanException.NotFound($"cluster '{_plan.Name}' has no node '{nodeName}'", "run `gridspan plan` to list the nodes");
        }
        if (!_secrets.HostKeys.ContainsKey(nodeName) || _secrets.HostCertificates?.ContainsKey(nodeName) != true)
        {
            throw MissingKeys([nodeName]);
        }
        var options = _optionsFor(node);
        var master = _plan.MasterNode;
        var files = new List<BundleFile>();
        var packages = new List<string> { "openssh-server", "iproute2" };
        var services = new List<BundleService>();
        var commands = new List<string> { "systemctl daemon-reload" };
        var accounts = new List<BundleAccount>();
        var vpn = _vpnNodes.Contains(node.Name);
        var site = _sites[node.Site];
        var runsSlurm = node.RunsJobs || node.Role == NodeRole.Master;

        // Names, addresses, routes.
        files.Add(BundleFile.Public(NodePaths.Hosts, DnsRenderer.RenderHosts(_plan, node, master, _nodes[site.VpnNode])));
        files.Add(BundleFile.Public(NodePaths.ResolvConf, DnsRenderer.RenderResolvConf(_plan, node)));
        files.Add(BundleFile.Public(NodePaths.RoutesScript, RoutesRenderer.RenderScript(_plan, node, RouteLines(node, site, options.Runtime)), Executable));
        if (vpn)
        {
            files.Add(BundleFile.Public(NodePaths.Sysctl,
                node.Role == NodeRole.Switch ? VxlanRenderer.RenderSwitchSysctl() : RoutesRenderer.RenderForwardingSysctl()));
            // Only write when needed: a container may see /proc/sys read-only while its host already set it.
            commands.Add("[ \"$(cat /proc/sys/net/ipv4/ip_forward)\" = 1 ] || sysctl -q -w net.ipv4.ip_forward=1");
            if (_plan.Overlay.Kind == OverlayKind.Ipsec)
            {
                var userspaceEsp = options.Runtime == NodeRuntime.Container;
                // No ICMP redirects to the site's router while the tunnels are down (the routes script keeps it so at every start of charon).
                commands.Add(IpsecRenderer.NoRedirectsCommand);
                files.Add(BundleFile.Public(NodePaths.SwanctlConf, IpsecRenderer.RenderConnections(_plan, node.Name, _facts, options.Runtime)));
                files.Add(BundleFile.Secret(NodePaths.SwanctlSecrets, IpsecRenderer.RenderSecrets(_plan, node.Name, _secrets, _facts, options.Runtime)));
                files.Add(BundleFile.Public(NodePaths.CharonSettings, IpsecTunnelRenderer.RenderCharonSettings(userspaceEsp)));
                files.Add(BundleFile.Public(NodePaths.StrongswanDropIn, IpsecTunnelRenderer.RenderServiceDropIn(NodePaths.RoutesScript)));
                packages.Add("charon-systemd");
                if (userspaceEsp)
                {
                    packages.Add("libcharon-extra-plugins");
                }
                services.Add(new BundleService(_plan.Overlay.Service,
                    [NodePaths.SwanctlConf, NodePaths.SwanctlSecrets, NodePaths.CharonSettings, NodePaths.StrongswanDropIn, NodePaths.RoutesScript]));
            }
            else
            {
                files.Add(BundleFile.Secret(NodePaths.WireGuardConf, WireGuardRenderer.Render(_plan, node.Name, _secrets, _facts)));
                packages.Add("wireguard-tools");
                if (!options.KernelWireGuard)
                {
                    packages.Add("wireguard-go");
                }
                services.Add(new BundleService(_plan.Overlay.Service, [NodePaths.WireGuardConf, NodePaths.RoutesScript]));
            }
        }
        else
        {
            files.Add(BundleFile.Public(NodePaths.RoutesUnit, _routesUnit.Value));
            services.Add(new BundleService("gridspan-routes.service", [NodePaths.RoutesUnit, NodePaths.RoutesScript]));
        }

        if (_plan.Overlay.Switch is { } switchPlan)
        {
            var isSwitch = node.Role == NodeRole.Switch;
            files.Add(BundleFile.Public(NodePaths.VxlanScript,
                isSwitch ? VxlanRenderer.RenderSwitchScript(switchPlan) : VxlanRenderer.RenderNodeScript(switchPlan, node, _switchPorts[node.Name]), Executable));
            files.Add(BundleFile.Public(NodePaths.VxlanUnit, VxlanRenderer.RenderUnit(isSwitch)));
            if (isSwitch)
            {
                files.Add(BundleFile.Public(NodePaths.VxlanPortScript, VxlanRenderer.RenderPortScript(switchPlan), Executable));
            }
            services.Add(new BundleService(VxlanRenderer.UnitName, [NodePaths.VxlanUnit, NodePaths.VxlanScript]));
        }

        // SSH: the host key and its certificate, the cluster's certificate authority, passwordless SSH for the cluster user.
        var home = NodePaths.HomeOf(_plan.User);
        var hostKey = _secrets.HostKeys[node.Name];
        files.Add(BundleFile.Secret(NodePaths.HostKey, hostKey.PrivateKey));
        files.Add(BundleFile.Public(NodePaths.HostKey + ".pub", hostKey.PublicKey + "\n"));
        files.Add(BundleFile.Public(SshRenderer.HostCertificatePath, _secrets.HostCertificates[node.Name] + "\n"));
        files.Add(BundleFile.Public(NodePaths.KnownHosts, _knownHosts.Value));
        // An ordinary cluster user exists on every node with the same ids; a home inside a share is the
        // master's to make and fill, the other nodes see it through their mount.
        var ordinaryUser = _plan.User != "root";
        var homeShared = ordinaryUser && _plan.Storage.Exports.Any(e => home.StartsWith(e.Path.TrimEnd('/') + "/", StringComparison.Ordinal));
        var fillsHome = !homeShared || node.Role == NodeRole.Master;
        if (ordinaryUser)
        {
            accounts.Add(new BundleAccount(_plan.User, ClusterPlan.UserId, home, CreateHome: fillsHome));
            files.Add(new BundleFile(NodePaths.Sudoers, SshRenderer.RenderSudoers(_plan), 0b100_100_000, "root", "root", false));
            if (_plan.UserSudo)
            {
                packages.Add("sudo");
            }
        }
        if (fillsHome)
        {
            var userKey = UserKey;
            files.Add(new BundleFile($"{home}/.ssh/authorized_keys", _authorizedKeys.Value, 0b110_000_000, _plan.User, _plan.User, false));
            files.Add(BundleFile.Secret($"{home}/.ssh/id_ed25519", userKey.PrivateKey, _plan.User, _plan.User));
            files.Add(new BundleFile($"{home}/.ssh/id_ed25519.pub", userKey.PublicKey + "\n", 0b110_100_100, _plan.User, _plan.User, false));
            if (ordinaryUser)
            {
                // Writing the files made ~/.ssh as root; it is the user's.
                commands.Add($"install -d -o {ShellQuote.Quote(_plan.User)} -g {ShellQuote.Quote(_plan.User)} -m 0700 {ShellQuote.Quote(home + "/.ssh")}");
            }
        }
        files.Add(BundleFile.Public(SshdRenderer.DropInPath, SshdDropIn(node)));
        var sshInputs = new List<string> { NodePaths.HostKey, SshRenderer.HostCertificatePath, SshdRenderer.DropInPath };
        if (node.Role == NodeRole.Master)
        {
            files.Add(BundleFile.Public(StorageRenderer.AuthorizedKeysPath, StorageRenderer.RenderStorageAuthorizedKeys(_secrets.StorageSsh.PublicKey)));
            // Before sshd restarts with the Match block: the account it names, and no storage key left for root.
            commands.Add(StorageRenderer.CreateStorageUser);
            commands.Add($"rm -f {StorageRenderer.FormerRootAuthorizedKeys}");
        }
        services.Add(new BundleService("ssh.service", [.. sshInputs]));

        // DNS on the master.
        if (node.Role == NodeRole.Master)
        {
            files.Add(BundleFile.Public(NodePaths.DnsmasqConf, DnsRenderer.RenderDnsmasqConf(_plan, options)));
            files.Add(BundleFile.Public(NodePaths.DnsHosts, DnsRenderer.RenderDnsHosts(_plan)));
            packages.Add("dnsmasq");
            services.Add(new BundleService("dnsmasq.service", [NodePaths.DnsmasqConf]));
        }

        // Munge and Slurm.
        if (runsSlurm)
        {
            files.Add(BundleFile.Secret(NodePaths.MungeKey, _secrets.Munge.Value, "munge", "munge", 0b100_000_000));
            files.Add(BundleFile.Public(NodePaths.SlurmConf, SlurmConf(options)));
            packages.AddRange(["munge", "slurm-client", "openmpi-bin", "libopenmpi-dev", "gcc", "g++", "gfortran"]);
            // One MPI: an MPICH that came with the image must not own Debian's mpicc and mpirun alternatives
            // (Open MPI's wrappers name their own include directory).
            commands.Add("update-alternatives --quiet --set mpi /usr/bin/mpicc.openmpi");
            commands.Add("update-alternatives --quiet --set mpirun /usr/bin/mpirun.openmpi");
            services.Add(new BundleService("munge.service", [NodePaths.MungeKey]));
            if (options.Runtime == NodeRuntime.VirtualMachine)
            {
                files.Add(BundleFile.Public(NodePaths.CgroupConf, SlurmConfRenderer.RenderCgroupConf()));
            }
        }

        // Shared storage: the master serves, every other node mounts.
        var masterOptions = node.Role == NodeRole.Master ? options : _optionsFor(master);
        if (node.Role == NodeRole.Master)
        {
            commands.Add($"mkdir -p {ShellQuote.Join(_plan.Storage.Exports.Select(e => e.Path))}");
            // The storage login's chroot: root-owned and not writable by others, as sshd requires; each share bind-mounted in it.
            commands.Add(StorageRenderer.MakeChrootCommand(_plan.Storage.Exports.Select(e => e.Path)));
            var chrootUnit = StorageRenderer.MountUnitName(StorageRenderer.ChrootDirectory);
            files.Add(BundleFile.Public($"/etc/systemd/system/{chrootUnit}", StorageRenderer.RenderChrootUnit()));
            services.Add(new BundleService(chrootUnit, [$"/etc/systemd/system/{chrootUnit}"]));
            foreach (var export in _plan.Storage.Exports)
            {
                var unit = StorageRenderer.MountUnitName(StorageRenderer.ChrootPath(export.Path));
                var path = $"/etc/systemd/system/{unit}";
                files.Add(BundleFile.Public(path, StorageRenderer.RenderChrootMountUnit(export.Path)));
                services.Add(new BundleService(unit, [path]));
            }
            if (options.Storage == StorageTransport.KernelNfs && _plan.Storage.Exports.Length > 0)
            {
                files.Add(BundleFile.Public(NodePaths.Exports, StorageRenderer.RenderExports(_plan)));
                packages.Add("nfs-kernel-server");
                services.Add(new BundleService("nfs-server.service", [NodePaths.Exports]));
            }
        }
        else if (_plan.Storage.Exports.Length > 0 && node.Role != NodeRole.Switch)
        {
            // A kernel NFS mount needs an NFS server; a master without one serves its shares over SFTP only.
            var transport = options.Storage == StorageTransport.KernelNfs && masterOptions.Storage == StorageTransport.KernelNfs
                ? StorageTransport.KernelNfs
                : StorageTransport.Sshfs;
            if (transport == StorageTransport.Sshfs)
            {
                files.Add(BundleFile.Secret(NodePaths.StorageKey, _secrets.StorageSsh.PrivateKey));
                packages.Add("sshfs");
            }
            else
            {
                packages.Add("nfs-common");
            }
            foreach (var export in _plan.Storage.Exports)
            {
                var unit = StorageRenderer.MountUnitName(export.Path);
                var path = $"/etc/systemd/system/{unit}";
                files.Add(BundleFile.Public(path, MountUnit(node, export.Path, transport)));
                services.Add(new BundleService(unit, [path]));
            }
        }

        if (node.Role == NodeRole.Master)
        {
            packages.Add("slurmctld");
            commands.Add("install -d -o slurm -g slurm -m 0755 /var/lib/slurm/slurmctld /var/log/slurm");
            var slurmctldInputs = new List<string> { NodePaths.SlurmConf };
            if (_plan.Slurm.CloudNodes.Length > 0)
            {
                files.Add(BundleFile.Public(NodePaths.ResumeHook, ElasticHooksRenderer.Render("ResumeProgram", "resume"), Executable));
                files.Add(BundleFile.Public(NodePaths.SuspendHook, ElasticHooksRenderer.Render("SuspendProgram", "suspend"), Executable));
                files.Add(BundleFile.Public(NodePaths.ResumeFailHook, ElasticHooksRenderer.Render("ResumeFailProgram", "fail"), Executable));
                files.Add(BundleFile.Public(NodePaths.PrologSlurmctld, ElasticHooksRenderer.RenderPrologSlurmctld(_plan.Slurm.ResumeTimeout), Executable));
            }
            if (options.Runtime == NodeRuntime.VirtualMachine)
            {
                slurmctldInputs.Add(NodePaths.CgroupConf);
            }
            services.Add(new BundleService("slurmctld.service", [.. slurmctldInputs]));
        }
        if (node.RunsJobs)
        {
            files.Add(BundleFile.Public(NodePaths.SlurmdDefaults, SlurmConfRenderer.RenderSlurmdDefaults(node, options)));
            packages.Add("slurmd");
            // mkdir, not install: on a computing master /var/log/slurm belongs to slurm (slurmctld logs there).
            commands.Add("install -d -m 0755 /var/lib/slurm/slurmd");
            commands.Add("mkdir -p /var/log/slurm");
            var slurmdInputs = new List<string> { NodePaths.SlurmConf, NodePaths.SlurmdDefaults, NodePaths.MungeKey };
            if (options.Runtime == NodeRuntime.VirtualMachine)
            {
                slurmdInputs.Add(NodePaths.CgroupConf);
            }
            services.Add(new BundleService("slurmd.service", [.. slurmdInputs]));
        }

        var bundle = new NodeBundle(node.Name, [.. files], [.. packages.Distinct(StringComparer.Ordinal)], [.. services], [.. commands])
        {
            Accounts = [.. accounts],
        };
        return new RenderedNode(bundle, CloudInitRenderer.Render(_plan, node, _secrets, options.Runtime));
    }

    private string RouteLines(NodePlan node, SitePlan site, NodeRuntime runtime)
    {
        if (node.IsVpnNode && _plan.Overlay.Kind == OverlayKind.Ipsec)
        {
            return IpsecRenderer.RenderDeviceLines(_plan, _plan.Overlay.Members.First(m => m.Node == node.Name), runtime)
                + RoutesRenderer.RenderRouteLines(RoutesRenderer.RoutesOf(_plan, node));
        }
        if (node.IsVpnNode || node.Name == site.VpnNode)
        {
            return RoutesRenderer.RenderRouteLines(RoutesRenderer.RoutesOf(_plan, node));
        }
        lock (_workerRouteLines)
        {
            if (!_workerRouteLines.TryGetValue(site.Name, out var lines))
            {
                lines = RoutesRenderer.RenderRouteLines(site.WorkerRoutes);
                _workerRouteLines[site.Name] = lines;
            }
            return lines;
        }
    }

    private string SshdDropIn(NodePlan node) => node.Role switch
    {
        NodeRole.Master => _masterSshd.Value,
        NodeRole.Worker => _workerSshd.Value,
        _ => _gatewaySshd.Value,
    };

    private string MountUnit(NodePlan node, string share, StorageTransport transport)
    {
        var key = (share, transport, node.IsVpnNode);
        lock (_mountUnits)
        {
            if (!_mountUnits.TryGetValue(key, out var text))
            {
                text = StorageRenderer.RenderMountUnit(_plan, node, share, transport);
                _mountUnits[key] = text;
            }
            return text;
        }
    }

    private string SlurmConf(RenderOptions options)
    {
        var key = (new Version(options.SlurmVersion.Major, options.SlurmVersion.Minor), options.Runtime);
        lock (_slurmConfs)
        {
            if (!_slurmConfs.TryGetValue(key, out var text))
            {
                text = SlurmConfRenderer.Render(_plan, options);
                _slurmConfs[key] = text;
            }
            return text;
        }
    }
}
