namespace GridSpan.Configure;

/// <summary>How GridSpan's SSH client behaves for one cluster.</summary>
/// <param name="IdentityFile">The cluster's private key (0600); the only key offered.</param>
/// <param name="Directory">Where the client's ssh_config and known_hosts for this cluster are kept (0700).</param>
/// <param name="ControlDirectory">Where multiplexed connections keep their sockets; short, because a socket path may hold at most 107 bytes.</param>
public sealed record SshTransportOptions(string IdentityFile, string Directory, string ControlDirectory)
{
    /// <summary>
    /// The directories belong to this process alone: closing the transport removes them, and opening one
    /// removes those of processes of the same cluster that have ended without closing theirs.
    /// </summary>
    public bool PerProcess { get; init; }

    /// <summary>How long to wait for a TCP connection and the SSH handshake, per hop.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often to probe an idle connection; three missed probes end it.</summary>
    public TimeSpan ServerAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a multiplexed connection outlives its last use.</summary>
    public TimeSpan ControlPersist { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one remote command may take before it is killed (package installs are the slowest).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Options for one transport's connections to a cluster whose state lives in <paramref name="clusterDirectory"/>:
    /// ssh files in its "ssh/p&lt;pid&gt;-&lt;n&gt;" folder; sockets there too when the path is short enough, else in this
    /// user's private runtime directory, named by a hash of the cluster directory and the process id. Per
    /// transport, because runs against one cluster may overlap (`status` while `create` runs, two `ssh`
    /// sessions): each keeps its own client files and connections, and closing them never cuts another's.
    /// </summary>
    /// <param name="runtimeDirectory">$XDG_RUNTIME_DIR, or null (see <see cref="Common.PrivateFiles.RuntimeDirectory"/>).</param>
    public static SshTransportOptions ForCluster(string clusterDirectory, string identityFile, string? runtimeDirectory)
    {
        var process = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Interlocked.Increment(ref _transports)}");
        var directory = Path.Combine(clusterDirectory, "ssh", ProcessPrefix + process);
        var control = Path.Combine(directory, "cm");
        if (control.Length > MaxControlDirectoryLength)
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(clusterDirectory)))[..12];
            control = Path.Combine(Common.PrivateFiles.RuntimeDirectory(runtimeDirectory), $"cm-{hash}-{ProcessPrefix}{process}");
        }
        return new SshTransportOptions(identityFile, directory, control) { PerProcess = true };
    }

    /// <summary>Starts the name of a per-process directory; the process id follows, then "-" and the transport's number.</summary>
    internal const string ProcessPrefix = "p";

    private static int _transports;

    /// <summary>Room for "/", a 16-character socket name and ssh's 17-character temporary suffix within the 107-byte socket path limit.</summary>
    internal const int MaxControlDirectoryLength = 107 - 1 - 16 - 17;
}
