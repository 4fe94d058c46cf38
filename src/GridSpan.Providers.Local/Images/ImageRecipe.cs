using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace GridSpan.Providers.Local.Images;

/// <summary>
/// What goes into a base image. The image is rebuilt exactly when <see cref="Hash"/> changes:
/// the package list, the suite, or <see cref="RecipeVersion"/> (bump it when the post-build steps change).
/// </summary>
public sealed record ImageRecipe(string Name, string Suite, ImmutableArray<string> Packages, int RecipeVersion)
{
    /// <summary>The one image the local cloud offers: Debian 12 with everything the cluster roles need.</summary>
    public static ImageRecipe Debian12 { get; } = new("debian-12", "bookworm",
    [
        // a booting system that can be reached
        "systemd", "systemd-sysv", "dbus", "iproute2", "openssh-server", "sudo", "procps", "iputils-ping",
        "ca-certificates", "python3", "less", "netcat-openbsd",
        // Slurm and its authentication
        "munge", "slurm-wlm", "slurmctld", "slurmd", "slurm-client",
        // DNS, VPN, firewall
        "dnsmasq", "wireguard-tools", "wireguard-go", "nftables", "strongswan", "libcharon-extra-plugins",
        // the ipsec overlay: charon under systemd, configured with swanctl over vici (pulls strongswan-swanctl)
        "charon-systemd",
        // shared storage: nfs-ganesha serves, sshfs mounts (no kernel NFS client here)
        "nfs-ganesha", "nfs-ganesha-vfs", "rpcbind", "libnfs-utils", "sshfs", "fuse3",
        // One MPI, Open MPI: `srun --mpi=pmix` and `mpirun` inside an allocation; its TCP transport ends jobs across
        // sites cleanly (Debian 12's MPICH over UCX can hang in MPI_Finalize: docs/create.md, "MPI"). Its wrappers call
        // gcc, g++ and gfortran by those names, which libopenmpi-dev does not pull in. automake is named
        // because debootstrap does not resolve the virtual package automake-1.16 that libltdl-dev needs. And measuring.
        "openmpi-bin", "libopenmpi-dev", "gcc", "g++", "gfortran", "automake", "iperf3",
    ], RecipeVersion: 4);

    /// <summary>Every image the local cloud offers, by name.</summary>
    public static ImmutableArray<ImageRecipe> All => [Debian12];

    /// <summary>
    /// Services the packages enable that a node must not start until its role is configured: disabled
    /// (not masked), so the configurator enables what the role needs with `systemctl enable --now`.
    /// </summary>
    public static ImmutableArray<string> DisabledServices { get; } =
    [
        "munge.service", "slurmctld.service", "slurmd.service", "dnsmasq.service", "nfs-ganesha.service",
        "rpcbind.service", "rpcbind.socket", "nftables.service", "strongswan-starter.service", "ipsec.service", "strongswan.service",
        "iperf3.service", "e2scrub_all.timer", "e2scrub_reap.service", "fstrim.timer", "apt-daily.timer",
        "apt-daily-upgrade.timer", "dpkg-db-backup.timer", "remote-fs.target", "systemd-pstore.service",
    ];

    /// <summary>Units that can only fail or waste memory in a container: masked.</summary>
    public static ImmutableArray<string> MaskedUnits { get; } =
    [
        // no kernel NFS client in containers: the rpc_pipefs mount can only fail
        "run-rpc_pipefs.mount", "rpc_pipefs.target", "nfs-client.target",
        // the console is a read-only log
        "console-getty.service", "getty@.service",
    ];

    public string Hash
    {
        get
        {
            var text = $"{Name}\n{Suite}\n{RecipeVersion}\n{string.Join('\n', Packages.Order(StringComparer.Ordinal))}\n" +
                       string.Join('\n', DisabledServices) + "\nmask\n" + string.Join('\n', MaskedUnits);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        }
    }
}
