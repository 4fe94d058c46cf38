namespace GridSpan.Render;

/// <summary>The sshd settings GridSpan adds on every node: the host certificate, and more connections on the master and the gateways.</summary>
public static class SshdRenderer
{
    public const string DropInPath = "/etc/ssh/sshd_config.d/gridspan.conf";

    /// <summary>
    /// Every node presents its host certificate, which other nodes check against the cluster's
    /// certificate authority (ssh_known_hosts). When Slurm starts many nodes at once, the master serves all their /home mounts and the
    /// gateways relay all their converges at the same moment: sshd's default MaxStartups (10:30:100)
    /// drops connections beyond ten that are still logging in. The master also reads
    /// /etc/ssh/authorized_keys.d/&lt;user&gt;, where GridSpan keeps keys it manages apart from the user's own,
    /// and serves the shares to the storage key: a <c>Match</c> block, last in the file (sshd ends it
    /// with the file), confines <see cref="StorageRenderer.StorageUser"/> to SFTP in the shares' chroot.
    /// </summary>
    public static string RenderDropIn(bool takesBursts, bool readsManagedKeys, bool servesShares = false)
    {
        var text = new TextLines()
            .Line("# Rendered by GridSpan.")
            .Line($"HostCertificate {SshRenderer.HostCertificatePath}");
        if (takesBursts)
        {
            text.Line("# Nodes Slurm starts together all connect at once (mounts, converging through gateways).")
                .Line("MaxStartups 200");
        }
        if (readsManagedKeys)
        {
            text.Line("AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2 /etc/ssh/authorized_keys.d/%u");
        }
        if (servesShares)
        {
            text.Line("# The storage key (nodes mounting the shares over sshfs): files in the shares only, no command, no forwarding.")
                .Line($"Match User {StorageRenderer.StorageUser}")
                .Line($"    ChrootDirectory {StorageRenderer.ChrootDirectory}")
                .Line("    ForceCommand internal-sftp")
                .Line("    PermitTTY no")
                .Line("    AllowTcpForwarding no")
                .Line("    AllowStreamLocalForwarding no")
                .Line("    AllowAgentForwarding no")
                .Line("    X11Forwarding no")
                .Line("    PermitTunnel no");
        }
        return text.ToString();
    }
}
