namespace GridSpan.Configure;

/// <summary>How GridSpan's SSH client behaves for one cluster.</summary>
/// <param name="IdentityFile">The cluster's private key (0600); the only key offered.</param>
/// <param name="Directory">Where the client's ssh_config and known_hosts for this cluster are kept (0700).</param>
/// <param name="ControlDirectory">Where multiplexed connections keep their sockets; short, because a socket path may hold at most 107 bytes.</param>
public sealed record SshTransportOptions(string IdentityFile, string Directory, string ControlDirectory)
{
    /// <summary>How long to wait for a TCP connection and the SSH handshake, per hop.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often to probe an idle connection; three missed probes end it.</summary>
    public TimeSpan ServerAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a multiplexed connection outlives its last use.</summary>
    public TimeSpan ControlPersist { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one remote command may take before it is killed (package installs are the slowest).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Options for a cluster whose state lives in <paramref name="clusterDirectory"/>: ssh files in
    /// its "ssh" folder; sockets there too when the path is short enough, else in this user's private
    /// runtime directory, named by a hash of the cluster directory (so later runs share the connections).
    /// </summary>
    /// <param name="runtimeDirectory">$XDG_RUNTIME_DIR, or null (see <see cref="Common.PrivateFiles.RuntimeDirectory"/>).</param>
    public static SshTransportOptions ForCluster(string clusterDirectory, string identityFile, string? runtimeDirectory)
    {
        var directory = Path.Combine(clusterDirectory, "ssh");
        var control = Path.Combine(directory, "cm");
        if (control.Length > MaxControlDirectoryLength)
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(clusterDirectory)))[..12];
            control = Path.Combine(Common.PrivateFiles.RuntimeDirectory(runtimeDirectory), $"cm-{hash}");
        }
        return new SshTransportOptions(identityFile, directory, control);
    }

    /// <summary>Room for "/", a 16-character socket name and ssh's 17-character temporary suffix within the 107-byte socket path limit.</summary>
    internal const int MaxControlDirectoryLength = 107 - 1 - 16 - 17;
}
