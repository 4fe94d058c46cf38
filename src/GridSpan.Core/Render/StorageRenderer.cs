using GridSpan.Common.Quoting;
using GridSpan.Plan;

namespace GridSpan.Render;

/// <summary>
/// The shared file system: exports on the master (kernel NFS), and one systemd mount unit per share
/// on every other node, over NFS or, where the kernel has no NFS client, over sshfs with the storage
/// key. The master accepts that key for one account only, <see cref="StorageUser"/>, which sshd
/// confines to SFTP inside <see cref="ChrootDirectory"/>, where the shares are bind-mounted at their
/// own paths: the nodes mount the same paths, and nothing else of the master is reachable.
/// </summary>
public static class StorageRenderer
{
    /// <summary>
    /// The account the storage key logs in as: uid 0 (a second name for root), because the shares hold
    /// every user's files and sshfs acts as one account; sshd's <c>Match User</c> block (see
    /// <see cref="SshdRenderer.RenderDropIn"/>) chroots it and forces sshd's built-in SFTP server.
    /// </summary>
    public const string StorageUser = "gridspan-storage";

    /// <summary>The storage account's root: root-owned, holding only the shares' bind mounts; inside /var, where no share may lie.</summary>
    public const string ChrootDirectory = "/var/lib/gridspan/shares";

    /// <summary>Creates the storage account on the master when missing (no password, no home, no shell: key and SFTP only).</summary>
    public const string CreateStorageUser =
        $"id -u {StorageUser} >/dev/null 2>&1 || useradd --non-unique --uid 0 --gid 0 --no-create-home --no-user-group " +
        $"--home-dir / --shell /usr/sbin/nologin --password '*' {StorageUser}";

    /// <summary>Where GridSpan authorised the storage key for root before the login was confined; removed on the master.</summary>
    public const string FormerRootAuthorizedKeys = "/etc/ssh/authorized_keys.d/root";

    public static string AuthorizedKeysPath => $"/etc/ssh/authorized_keys.d/{StorageUser}";

    public static string RenderExports(ClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new TextLines()
            .Line($"# Shares of cluster {plan.Name}, rendered by GridSpan: to every site and the overlay.")
            .Line("# no_root_squash: the cluster user may be root, and jobs write as themselves.");
        foreach (var export in plan.Storage.Exports)
        {
            text.Line($"{ExportsQuote.Path(export.Path)} {string.Join(' ', export.Clients.Select(c => $"{c}(rw,sync,no_subtree_check,no_root_squash)"))}");
        }
        return text.ToString();
    }

    /// <summary>Lets the storage key in as <see cref="StorageUser"/> on the master: no forwarding, no terminal; sshd forces SFTP in the shares' chroot.</summary>
    public static string RenderStorageAuthorizedKeys(string storagePublicKey) => new TextLines()
        .Line("# Rendered by GridSpan: nodes without an NFS client mount the shares over SFTP with this key, and can do nothing else with it")
        .Line($"# (sshd_config.d/gridspan.conf: Match User {StorageUser}, ChrootDirectory {ChrootDirectory}, ForceCommand internal-sftp).")
        .Line($"restrict {storagePublicKey}")
        .ToString();

    /// <summary>
    /// The chroot bound onto itself read-only, so the storage login can write nowhere but in the shares
    /// mounted inside it (systemd mounts those after it: they lie beneath).
    /// </summary>
    public static string RenderChrootUnit() => new TextLines()
        .Line("# Rendered by GridSpan.")
        .Line("[Unit]")
        .Line("Description=GridSpan: the storage login's root, read-only around the shares mounted in it")
        .Line()
        .Line("[Mount]")
        .Line($"What={ChrootDirectory}")
        .Line($"Where={ChrootDirectory}")
        .Line("Type=none")
        .Line("Options=bind,ro")
        .Line()
        .Line("[Install]")
        .Line("WantedBy=local-fs.target")
        .ToString();

    /// <summary>
    /// Makes the chroot and the mount points of the shares in it. Once the chroot is mounted read-only,
    /// a new share's mount point is made beneath that mount, in a mount namespace of its own.
    /// </summary>
    public static string MakeChrootCommand(IEnumerable<string> shares) =>
        $"install -d -o root -g root -m 0755 {ChrootDirectory} && unshare --mount --propagation private sh -c " +
        ShellQuote.Quote($"umount -l {ChrootDirectory} 2>/dev/null; mkdir -p {ShellQuote.Join(shares.Select(ChrootPath))}");

    /// <summary>The share's place inside the storage account's chroot.</summary>
    public static string ChrootPath(string share) => ChrootDirectory + share;

    /// <summary>The master's bind mount of a share into the storage chroot, at the share's own path there.</summary>
    public static string RenderChrootMountUnit(string share) => new TextLines()
        .Line("# Rendered by GridSpan.")
        .Line("[Unit]")
        .Line($"Description=GridSpan: shared {SystemdQuote.Value(share)}, as the storage login (SFTP, chrooted) sees it")
        .Line()
        .Line("[Mount]")
        .Line($"What={SystemdQuote.Value(share)}")
        .Line($"Where={SystemdQuote.Value(ChrootPath(share))}")
        .Line("Type=none")
        .Line("Options=bind")
        .Line()
        .Line("[Install]")
        .Line("WantedBy=local-fs.target")
        .ToString();

    /// <summary>The systemd unit name of a mount point, as `systemd-escape --path --suffix=mount` gives it.</summary>
    public static string MountUnitName(string path) => SystemdQuote.PathUnitName(path, "mount");

    public static string RenderMountUnit(ClusterPlan plan, NodePlan node, string share, StorageTransport transport)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        var server = plan.Storage.Server;
        var text = new TextLines()
            .Line("# Rendered by GridSpan.")
            .Line("[Unit]")
            .Line($"Description=GridSpan: shared {SystemdQuote.Value(share)} from {server} ({(transport == StorageTransport.Sshfs ? "sshfs" : "NFS")})")
            .Line("Wants=network-online.target")
            .Line($"After=network-online.target {(node.IsVpnNode ? plan.Overlay.Service : "gridspan-routes.service")}" +
                (plan.Overlay.Switch is null ? "" : $" {VxlanRenderer.UnitName}"))
            .Line()
            .Line("[Mount]");
        if (transport == StorageTransport.Sshfs)
        {
            text.Line($"What={StorageUser}@{server}:{SystemdQuote.Value(share)}")
                .Line($"Where={SystemdQuote.Value(share)}")
                .Line("Type=fuse.sshfs")
                .Line("Options=_netdev,allow_other,default_permissions,reconnect,ServerAliveInterval=15,ServerAliveCountMax=3," +
                      $"IdentityFile={NodePaths.StorageKey},UserKnownHostsFile={NodePaths.KnownHosts},StrictHostKeyChecking=yes,BatchMode=yes");
        }
        else
        {
            text.Line($"What={server}:{SystemdQuote.Value(share)}")
                .Line($"Where={SystemdQuote.Value(share)}")
                .Line("Type=nfs")
                .Line("Options=_netdev,hard,vers=4.2");
        }
        return text.Line("TimeoutSec=60")
            .Line()
            .Line("[Install]")
            .Line("WantedBy=remote-fs.target")
            .ToString();
    }
}
