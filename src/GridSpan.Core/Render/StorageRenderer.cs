using GridSpan.Common.Quoting;
using GridSpan.Plan;

namespace GridSpan.Render;

/// <summary>
/// The shared file system: exports on the master (kernel NFS), and one systemd mount unit per share
/// on every other node, over NFS or, where the kernel has no NFS client, over sshfs with the storage
/// key (which the master accepts for SFTP only).
/// </summary>
public static class StorageRenderer
{
    public const string SftpServer = "/usr/lib/openssh/sftp-server";

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

    /// <summary>Lets the storage key in as root on the master, for SFTP only (see <see cref="SshdRenderer.RenderDropIn"/>).</summary>
    public static string RenderStorageAuthorizedKeys(string storagePublicKey) => new TextLines()
        .Line("# Rendered by GridSpan: nodes without an NFS client mount the shares over SFTP with this key, and can do nothing else with it.")
        .Line($"restrict,command=\"{SftpServer}\" {storagePublicKey}")
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
            .Line($"After=network-online.target {(node.IsVpnNode ? "wg-quick@wg0.service" : "gridspan-routes.service")}")
            .Line()
            .Line("[Mount]");
        if (transport == StorageTransport.Sshfs)
        {
            text.Line($"What=root@{server}:{SystemdQuote.Value(share)}")
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
