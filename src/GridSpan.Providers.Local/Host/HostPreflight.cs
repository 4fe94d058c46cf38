using GridSpan.Common;

namespace GridSpan.Providers.Local.Host;

/// <summary>
/// Checks that this machine can host the local cloud, installs the Debian packages it lacks and
/// raises the kernel limits nodes need. Refuses with a precise reason otherwise.
/// </summary>
public sealed class HostPreflight(Commands commands, Action<string> report)
{
    /// <summary>Programs the local cloud runs on the host, and the Debian package of each.</summary>
    public static IReadOnlyDictionary<string, string> Programs { get; } = new Dictionary<string, string>
    {
        ["ip"] = "iproute2",
        ["nft"] = "nftables",
        ["systemd-nspawn"] = "systemd-container",
        ["debootstrap"] = "debootstrap",
        ["ssh-keygen"] = "openssh-client",
        ["nsenter"] = "util-linux",
        ["start-stop-daemon"] = "dpkg",
    };

    private static readonly string[] SearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <param name="probeNamespace">A scratch namespace name in which to try veth, bridge and nft; null skips the probe.</param>
    public async Task RunAsync(string? probeNamespace, CancellationToken cancellationToken)
    {
        var uid = File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t')[1];
        if (uid != "0")
        {
            throw GridSpanException.HostUnsupported("the local cloud needs root (namespaces, bridges, mounts, cgroups)", "run gridspan as root (sudo)");
        }
        await InstallMissingPackagesAsync(cancellationToken).ConfigureAwait(false);
        await CheckKernelAsync(cancellationToken).ConfigureAwait(false);
        if (probeNamespace is not null)
        {
            await ProbeNetworkingAsync(probeNamespace, cancellationToken).ConfigureAwait(false);
        }
        RaiseLimit("/proc/sys/fs/inotify/max_user_instances", 8192);
        RaiseLimit("/proc/sys/fs/inotify/max_user_watches", 1048576);
    }

    private async Task InstallMissingPackagesAsync(CancellationToken cancellationToken)
    {
        var missing = Programs.Where(p => !SearchPath.Any(dir => File.Exists(Path.Combine(dir, p.Key))))
            .Select(p => p.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (missing.Length == 0)
        {
            return;
        }
        report($"installing the Debian packages the local cloud needs: {string.Join(' ', missing)}");
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var fix = $"install them yourself: apt-get install {string.Join(' ', missing)}";
        await commands.Runner.RunCheckedAsync(
            new CommandRequest("apt-get", ["-o", "DPkg::Lock::Timeout=900", "update", "-q"]) { Environment = environment },
            cancellationToken, fix).ConfigureAwait(false);
        await commands.Runner.RunCheckedAsync(
            new CommandRequest("apt-get", ["-o", "DPkg::Lock::Timeout=900", "install", "-y", "-q", "--no-install-recommends", .. missing])
            { Environment = environment },
            cancellationToken, fix).ConfigureAwait(false);
    }

    private async Task CheckKernelAsync(CancellationToken cancellationToken)
    {
        Require(File.Exists("/proc/self/ns/net"), "network namespaces", "use a kernel built with CONFIG_NET_NS");
        if (!File.ReadAllText("/proc/filesystems").Contains("overlay", StringComparison.Ordinal))
        {
            await commands.TryAsync(cancellationToken, "modprobe", "overlay").ConfigureAwait(false);
            Require(File.ReadAllText("/proc/filesystems").Contains("overlay", StringComparison.Ordinal), "overlayfs",
                "load it with `modprobe overlay` (kernel option CONFIG_OVERLAY_FS)");
        }
        Require(File.Exists("/dev/net/tun"), "the TUN device /dev/net/tun (wireguard-go)", "load it with `modprobe tun`");
        Require(File.Exists("/dev/fuse"), "the FUSE device /dev/fuse (sshfs)", "load it with `modprobe fuse`");
        Require(Directory.Exists("/sys/fs/cgroup"), "cgroups under /sys/fs/cgroup", "mount the cgroup file systems");
    }

    /// <summary>Tries, in a scratch namespace, what a site network needs: a bridge, veth pairs, nftables.</summary>
    private async Task ProbeNetworkingAsync(string netns, CancellationToken cancellationToken)
    {
        await commands.TryAsync(cancellationToken, "ip", "netns", "del", netns).ConfigureAwait(false);
        await commands.RunAsync(cancellationToken, "ip", "netns", "add", netns).ConfigureAwait(false);
        try
        {
            await Probe("a Linux bridge", "CONFIG_BRIDGE",
                commands.IpAsync(netns, cancellationToken, "link", "add", "probe-br", "type", "bridge")).ConfigureAwait(false);
            await Probe("veth pairs", "CONFIG_VETH",
                commands.IpAsync(netns, cancellationToken, "link", "add", "probe-a", "type", "veth", "peer", "name", "probe-b")).ConfigureAwait(false);
            await Probe("nftables (bridge and inet families, NAT)", "CONFIG_NF_TABLES, CONFIG_NF_TABLES_BRIDGE, CONFIG_NFT_NAT",
                commands.NftAsync(netns, ProbeRules, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            await commands.TryAsync(CancellationToken.None, "ip", "netns", "del", netns).ConfigureAwait(false);
        }
    }

    private const string ProbeRules = """
        table bridge probe {
          chain f { type filter hook forward priority 0; policy accept; }
        }
        table inet probe {
          chain i { type filter hook input priority 0; policy accept; ct state established accept; }
        }
        table ip probenat {
          chain p { type nat hook postrouting priority srcnat; policy accept; }
        }
        """;

    private static async Task Probe(string feature, string option, Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (GridSpanException failure)
        {
            throw GridSpanException.HostUnsupported($"this machine's kernel cannot create {feature}: {failure.Message}",
                $"use a kernel with {option}");
        }
    }

    private static void Require(bool present, string feature, string fix)
    {
        if (!present)
        {
            throw GridSpanException.HostUnsupported($"this machine lacks {feature}, which the local cloud needs", fix);
        }
    }

    private void RaiseLimit(string path, long minimum)
    {
        if (!File.Exists(path))
        {
            return;
        }
        var current = long.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        if (current < minimum)
        {
            File.WriteAllText(path, minimum.ToString(System.Globalization.CultureInfo.InvariantCulture));
            report($"raised {path["/proc/sys/".Length..].Replace('/', '.')} from {current} to {minimum} (every node's systemd needs inotify instances)");
        }
    }
}
