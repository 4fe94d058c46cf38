using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

/// <summary>
/// One node to converge in a test: a real sshd in an <see cref="SshLab"/>, reached over real SSH,
/// with a fake systemctl, and a scratch root directory under /tmp that the test's bundles write
/// into (so the host's own files are never touched). Its state directory lives there too.
/// </summary>
internal sealed class ConvergeNode : IAsyncDisposable
{
    private ConvergeNode(SshLab lab, SshTransport transport, INodeSession session, FakeSystemd systemd, string root)
    {
        Lab = lab;
        Transport = transport;
        Session = session;
        Systemd = systemd;
        Root = root;
    }

    public SshLab Lab { get; }

    public SshTransport Transport { get; }

    public INodeSession Session { get; }

    public FakeSystemd Systemd { get; }

    /// <summary>Where the bundle's files go, e.g. /tmp/gridspan-converge-1a2b3c4d.</summary>
    public string Root { get; }

    public ConvergeOptions Options => new() { StateDirectory = Path.Combine(Root, "var/lib/gridspan"), RefreshPackageIndex = false, HealthTimeout = TimeSpan.FromSeconds(5) };

    public static async Task<ConvergeNode> StartAsync(string nodeName = "node-1")
    {
        var lab = await SshLab.CreateAsync();
        var root = Path.Combine(Path.GetTempPath(), "gridspan-converge-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var systemd = new FakeSystemd(Path.Combine(lab.Directory, "systemd"));
            var target = await lab.StartServerAsync(nodeName, extraConfig: systemd.SshdConfig);
            var transport = lab.CreateTransport();
            return new ConvergeNode(lab, transport, transport.Session(target), systemd, root);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            await lab.DisposeAsync();
            throw;
        }
    }

    public string PathOf(string relative) => Path.Combine(Root, relative.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transport.DisposeAsync();
        }
        finally
        {
            await Lab.DisposeAsync();
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
    }
}
