using System.Globalization;
using System.Net;
using System.Text;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Host;

namespace GridSpan.Providers.Local.Nodes;

/// <summary>
/// Starts and stops one node: its network namespace and port, an overlay over the base image,
/// its identity (hostname, machine id, SSH host keys, authorized key, user data), its own cgroups,
/// and systemd-nspawn booting it, detached, with its console in a log file.
/// </summary>
public sealed class NodeRuntime(LocalCloudOptions options, Names names, Commands commands)
{
    private static readonly string[] CgroupHierarchies = ["systemd", "unified", "memory", "cpu", "pids"];

    public string NodeDirectory(string serverId) => Path.Combine(options.StateDirectory, "nodes", serverId);

    public string RootOf(string serverId) => Path.Combine(NodeDirectory(serverId), "root");

    public string ConsoleLog(string serverId) => Path.Combine(NodeDirectory(serverId), "console.log");

    /// <summary>Everything a node needs to start.</summary>
    public sealed record LaunchPlan(
        ServerRecord Server, PortRecord Port, NetworkRecord Network, string SecurityRules, string AuthorizedKey,
        UserData UserData, FlavorSize Flavor);

    /// <summary>Creates the node's network and file system and starts it. Returns the host keys and the nspawn PID.</summary>
    public async Task<(ImmutableHostKeys HostKeys, int Pid, long StartTicks)> LaunchAsync(LaunchPlan plan, CancellationToken cancellationToken)
    {
        var server = plan.Server;
        var netns = names.Node(server.Id);
        await CreateNetworkAsync(plan, netns, cancellationToken).ConfigureAwait(false);

        var directory = NodeDirectory(server.Id);
        var root = RootOf(server.Id);
        foreach (var sub in new[] { "upper", "work", "root" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }
        await commands.RunAsync(cancellationToken, "mount", "-t", "overlay", "overlay", "-o",
            $"lowerdir={server.ImagePath},upperdir={Path.Combine(directory, "upper")},workdir={Path.Combine(directory, "work")}", root).ConfigureAwait(false);

        var hostname = plan.UserData.Hostname ?? server.Name;
        var hostKeys = await WriteIdentityAsync(plan, root, hostname, cancellationToken).ConfigureAwait(false);
        var cgroups = CreateCgroups(server.Id, plan.Flavor);
        var launcher = Path.Combine(directory, "launch.sh");
        await File.WriteAllTextAsync(launcher, LaunchScript(server.Id, netns, root, hostname, cgroups), cancellationToken).ConfigureAwait(false);
        var pidFile = Path.Combine(directory, "nspawn.pid");
        await commands.RunAsync(cancellationToken, "start-stop-daemon", "--start", "--background", "--make-pidfile",
            "--pidfile", pidFile, "--output", ConsoleLog(server.Id), "--startas", "/bin/sh", "--", launcher).ConfigureAwait(false);
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
        var ticks = Processes.StartTicks(pid) ?? throw GridSpanException.Failed(
            $"server {server.Name}: systemd-nspawn exited at once: {ConsoleTail(server.Id)}");
        return (hostKeys, pid, ticks);
    }

    private async Task CreateNetworkAsync(LaunchPlan plan, string netns, CancellationToken cancellationToken)
    {
        var port = plan.Port;
        var network = plan.Network;
        var cidr = IPNetwork.Parse(network.Cidr);
        var mtu = network.Mtu.ToString(CultureInfo.InvariantCulture);
        await commands.RunAsync(cancellationToken, "ip", "netns", "add", netns).ConfigureAwait(false);
        await commands.IpAsync(netns, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
        await commands.IpAsync(names.World, cancellationToken, "link", "add", Names.PortLeg(port.Id), "mtu", mtu, "type", "veth",
            "peer", "name", "eth0", "netns", netns).ConfigureAwait(false);
        await commands.IpAsync(names.World, cancellationToken, "link", "set", Names.PortLeg(port.Id), "master",
            Names.SiteBridge(network.Id), "up").ConfigureAwait(false);
        await commands.IpAsync(netns, cancellationToken, "link", "set", "eth0", "address", port.Mac, "mtu", mtu, "up").ConfigureAwait(false);
        await commands.IpAsync(netns, cancellationToken, "addr", "add", $"{port.Address}/{cidr.PrefixLength}", "dev", "eth0").ConfigureAwait(false);
        await commands.IpAsync(netns, cancellationToken, "route", "add", "default", "via",
            Network.AddressMath.Host(cidr, 1).ToString()).ConfigureAwait(false);
        await commands.NftAsync(netns, plan.SecurityRules, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImmutableHostKeys> WriteIdentityAsync(LaunchPlan plan, string root, string hostname, CancellationToken cancellationToken)
    {
        await WriteAsync(root, "etc/hostname", hostname + "\n", "644", cancellationToken).ConfigureAwait(false);
        await WriteAsync(root, "etc/hosts",
            $"127.0.0.1\tlocalhost\n{plan.Port.Address}\t{hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n", "644", cancellationToken).ConfigureAwait(false);
        await WriteAsync(root, "etc/machine-id", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) + "\n", "444",
            cancellationToken).ConfigureAwait(false);
        var keys = new[] { plan.AuthorizedKey }.Concat(plan.UserData.AuthorizedKeys).Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim());
        Directory.CreateDirectory(SafePath(root, "root/.ssh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await WriteAsync(root, "root/.ssh/authorized_keys", string.Join('\n', keys) + "\n", "600", cancellationToken).ConfigureAwait(false);

        var hostKeys = new List<string>();
        foreach (var type in new[] { "ed25519", "ecdsa" })
        {
            var file = SafePath(root, $"etc/ssh/ssh_host_{type}_key");
            await commands.RunAsync(cancellationToken, "ssh-keygen", "-q", "-t", type, "-N", "", "-C", $"root@{hostname}", "-f", file).ConfigureAwait(false);
            hostKeys.Add((await File.ReadAllTextAsync(file + ".pub", cancellationToken).ConfigureAwait(false)).Trim());
        }

        var userDataDirectory = "var/lib/gridspan/user-data";
        if (plan.UserData.FilesScript() is { } files)
        {
            Directory.CreateDirectory(SafePath(root, userDataDirectory));
            await WriteAsync(root, userDataDirectory + "/files.sh", files, "700", cancellationToken).ConfigureAwait(false);
        }
        if (plan.UserData.CommandsScript() is { } script)
        {
            Directory.CreateDirectory(SafePath(root, userDataDirectory));
            await WriteAsync(root, userDataDirectory + "/commands.sh", script, "700", cancellationToken).ConfigureAwait(false);
        }
        return new ImmutableHostKeys(hostKeys);
    }

    /// <summary>A path inside the node's root that never leaves it through a symbolic link of the image.</summary>
    private static string SafePath(string root, string relative)
    {
        var current = root;
        foreach (var part in relative.Split('/'))
        {
            current = Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget is not null)
            {
                throw GridSpanException.Failed($"the image has a symbolic link at /{relative}; the local cloud does not write through it");
            }
        }
        return current;
    }

    private static async Task WriteAsync(string root, string relative, string content, string mode, CancellationToken cancellationToken)
    {
        var path = SafePath(root, relative);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
        await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
    }

    private List<string> CreateCgroups(string serverId, FlavorSize flavor)
    {
        var created = new List<string>();
        foreach (var hierarchy in CgroupHierarchies)
        {
            var top = Path.Combine("/sys/fs/cgroup", hierarchy);
            if (!Directory.Exists(top) || !File.Exists(Path.Combine(top, "cgroup.procs")))
            {
                continue;
            }
            var path = Path.Combine(top, names.NodeCgroup(serverId));
            Directory.CreateDirectory(path);
            created.Add(path);
            if (hierarchy == "memory")
            {
                TryWrite(Path.Combine(path, "memory.limit_in_bytes"), (flavor.MemoryMiB * 1024 * 1024).ToString(CultureInfo.InvariantCulture));
            }
            else if (hierarchy == "cpu")
            {
                TryWrite(Path.Combine(path, "cpu.cfs_period_us"), "100000");
                TryWrite(Path.Combine(path, "cpu.cfs_quota_us"), (flavor.Cpus * 100000).ToString(CultureInfo.InvariantCulture));
            }
        }
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            // A pure cgroup v2 host (a normal systemd host): one hierarchy; the parent delegates the controllers.
            var path = Path.Combine("/sys/fs/cgroup", names.NodeCgroup(serverId));
            Directory.CreateDirectory(path);
            TryWrite(Path.Combine("/sys/fs/cgroup", names.CgroupParent, "cgroup.subtree_control"), "+memory +cpu +pids");
            TryWrite(Path.Combine(path, "memory.max"), (flavor.MemoryMiB * 1024 * 1024).ToString(CultureInfo.InvariantCulture));
            TryWrite(Path.Combine(path, "cpu.max"), $"{flavor.Cpus * 100000} 100000");
            created.Add(path);
        }
        return created;
    }

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (IOException)
        {
            // The host does not allow this limit (e.g. the controller is not delegated); the node runs without it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string LaunchScript(string serverId, string netns, string root, string hostname, IEnumerable<string> cgroups)
    {
        var script = new StringBuilder("#!/bin/sh\n# Starts node " + serverId + " inside its own cgroups (nspawn otherwise shares the caller's).\n");
        foreach (var cgroup in cgroups)
        {
            script.Append(CultureInfo.InvariantCulture, $"echo $$ > {cgroup}/cgroup.procs\n");
        }
        script.Append(CultureInfo.InvariantCulture, $"""
            # nspawn starts inside the node's namespace too, so the node's /sys shows its own network devices.
            exec nsenter --net={Names.NetnsPath(netns)} systemd-nspawn --boot --register=no --keep-unit --quiet \
              --directory={root} --machine={hostname} --hostname={hostname} \
              --network-namespace-path={Names.NetnsPath(netns)} \
              --resolv-conf=off --timezone=off --link-journal=no --console=read-only \
              --capability=CAP_NET_ADMIN --bind=/dev/net/tun --bind=/dev/fuse \
              --system-call-filter=open_by_handle_at

            """);
        return script.ToString();
    }

    public string ConsoleTail(string serverId)
    {
        var path = ConsoleLog(serverId);
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(10)) : "(no console output)";
    }

    /// <summary>Stops the node (SIGTERM to its nspawn, by PID), then removes its mount, cgroups, namespace and files.</summary>
    public async Task RemoveAsync(string serverId, int? pid, long? startTicks, CancellationToken cancellationToken)
    {
        if (pid is { } p && startTicks is { } t && Processes.IsAlive(p, t))
        {
            Processes.Signal(p, t, Processes.SigTerm);
            var waited = 0;
            while (Processes.IsAlive(p, t) && waited < 8000)
            {
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                waited += 50;
            }
            if (Processes.IsAlive(p, t))
            {
                Processes.Signal(p, t, Processes.SigKill);
            }
        }
        await KillCgroupMembersAsync(serverId).ConfigureAwait(false);
        var root = RootOf(serverId);
        if (IsMountPoint(root))
        {
            var result = await commands.TryAsync(CancellationToken.None, "umount", root).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                await commands.RunAsync(CancellationToken.None, "umount", "--lazy", root).ConfigureAwait(false);
            }
        }
        RemoveCgroups(serverId);
        var netns = names.Node(serverId);
        if (File.Exists(Names.NetnsPath(netns)))
        {
            await commands.TryAsync(CancellationToken.None, "ip", "netns", "del", netns).ConfigureAwait(false);
        }
        if (Directory.Exists(NodeDirectory(serverId)) && !IsMountPoint(root))
        {
            Directory.Delete(NodeDirectory(serverId), recursive: true);
        }
        _ = cancellationToken;
    }

    /// <summary>Processes left in the node's cgroups after nspawn is gone belong to the node: kill them by PID.</summary>
    private async Task KillCgroupMembersAsync(string serverId)
    {
        for (var round = 0; round < 20; round++)
        {
            var members = CgroupDirectories(serverId)
                .SelectMany(dir => ReadPids(Path.Combine(dir, "cgroup.procs")))
                .Distinct().ToList();
            if (members.Count == 0)
            {
                return;
            }
            foreach (var member in members)
            {
                if (Processes.StartTicks(member) is { } ticks)
                {
                    Processes.Signal(member, ticks, Processes.SigKill);
                }
            }
            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static List<int> ReadPids(string path)
    {
        try
        {
            return File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The node's cgroup directories in every hierarchy, deepest first (systemd in the node adds its own below).</summary>
    private List<string> CgroupDirectories(string serverId)
    {
        var tops = CgroupHierarchies.Select(h => Path.Combine("/sys/fs/cgroup", h, names.NodeCgroup(serverId)))
            .Append(Path.Combine("/sys/fs/cgroup", names.NodeCgroup(serverId)))
            .Where(Directory.Exists);
        return tops.SelectMany(top => Directory.GetDirectories(top, "*", SearchOption.AllDirectories).Append(top))
            .OrderByDescending(d => d.Count(c => c == '/')).ToList();
    }

    private void RemoveCgroups(string serverId)
    {
        foreach (var directory in CgroupDirectories(serverId))
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Removes the cloud's parent cgroups once no node is left in them.</summary>
    public void RemoveCgroupParents()
    {
        foreach (var top in CgroupHierarchies.Select(h => Path.Combine("/sys/fs/cgroup", h)).Append("/sys/fs/cgroup"))
        {
            var parent = Path.Combine(top, names.CgroupParent);
            if (Directory.Exists(parent) && Directory.GetDirectories(parent).Length == 0)
            {
                try
                {
                    Directory.Delete(parent);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    public static bool IsMountPoint(string path) =>
        File.ReadAllLines("/proc/self/mountinfo").Any(line => line.Split(' ')[4] == path);

    /// <summary>The PID of the node's own init (systemd), the child of its nspawn.</summary>
    public static int? InitPid(int nspawnPid) => Processes.Children(nspawnPid).Cast<int?>().FirstOrDefault();
}

/// <summary>A node's SSH host public keys (OpenSSH lines).</summary>
public sealed record ImmutableHostKeys(IReadOnlyList<string> Lines);
