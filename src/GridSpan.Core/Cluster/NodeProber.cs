using System.Globalization;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Render;
using GridSpan.Config;

namespace GridSpan.Cluster;

/// <summary>
/// Finds what a running node offers, once per server, so it is rendered for what it is rather than
/// for what its provider usually gives: the installed Slurm version (22.05 and 23.11+ differ for
/// cloud nodes), whether the kernel has an NFS client (else shares are mounted with sshfs), whether
/// it has WireGuard (else wireguard-go), and whether it is a container (no cgroup plugins).
/// </summary>
public static class NodeProber
{
    /// <summary>The Slurm of Debian 12, assumed when the node has none installed yet (the converger installs it).</summary>
    public const string DefaultSlurmVersion = "22.05";

    public const string Script =
        "v=$(dpkg-query -W -f='${Version}' slurm-client 2>/dev/null || dpkg-query -W -f='${Version}' slurmd 2>/dev/null); echo \"slurm=$v\"\n" +
        "if grep -qw nfs /proc/filesystems || modprobe -n nfs 2>/dev/null; then echo nfs=1; else echo nfs=0; fi\n" +
        "if [ -d /sys/module/wireguard ] || modprobe -n wireguard 2>/dev/null; then echo wg=1; else echo wg=0; fi\n" +
        "if systemd-detect-virt -cq 2>/dev/null || [ -f /run/.containerenv ] || [ -n \"$container\" ]; then echo container=1; else echo container=0; fi\n";

    public static async Task<NodeProbe> ProbeAsync(INodeSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var result = await session.RunAsync(Script, null, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw GridSpanException.Failed($"node '{session.NodeName}': probe: the node's facts could not be read (exit code {result.ExitCode}): {result.StandardError.Trim()}",
                "check that the image is Debian-like (dpkg-query, /proc)");
        }
        return Parse(result.StandardOutput);
    }

    public static NodeProbe Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        return new NodeProbe(
            SlurmMajorMinor(values.GetValueOrDefault("slurm") ?? ""),
            values.GetValueOrDefault("nfs") == "1",
            values.GetValueOrDefault("wg") == "1",
            values.GetValueOrDefault("container") == "1");
    }

    /// <summary>"22.05.8-4+deb12u3" → "22.05"; an empty or odd version → <see cref="DefaultSlurmVersion"/>.</summary>
    public static string SlurmMajorMinor(string packageVersion)
    {
        ArgumentNullException.ThrowIfNull(packageVersion);
        var upstream = packageVersion.Contains(':', StringComparison.Ordinal) ? packageVersion[(packageVersion.IndexOf(':', StringComparison.Ordinal) + 1)..] : packageVersion;
        var parts = upstream.Split('.', '-', '+', '~');
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? string.Create(CultureInfo.InvariantCulture, $"{major}.{minor:00}")
            : DefaultSlurmVersion;
    }

    /// <summary>The render options a probed node gets. No upstream DNS: the clusters here answer only their own names.</summary>
    public static RenderOptions OptionsOf(NodeProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return new RenderOptions(
            Version.Parse(probe.SlurmVersion),
            probe.KernelNfs ? StorageTransport.KernelNfs : StorageTransport.Sshfs,
            probe.Container ? NodeRuntime.Container : NodeRuntime.VirtualMachine,
            probe.KernelWireGuard,
            []);
    }
}
