using System.Diagnostics;
using System.Runtime.Versioning;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Render;

/// <summary>
/// The sshfs transport as rendered: a real sshd in a namespace standing in for the master, with the
/// master's rendered host key and storage authorized_keys; a worker namespace mounting the share
/// with the rendered mount options, storage key and known hosts. Needs root; the share is a
/// temporary directory, and namespaces, processes and files are removed afterwards.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SharedStorageTests : IDisposable
{
    private readonly string _master = $"gss{Environment.ProcessId % 10000}{Guid.NewGuid().ToString("N")[..4]}m";
    private readonly string _worker;
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("gridspan-storage-");
    private readonly List<string> _namespaces = [];
    private Process? _sshd;

    public SharedStorageTests()
    {
        _worker = _master[..^1] + "w";
    }

    [Fact]
    public void A_worker_mounts_the_masters_share_over_sshfs_with_the_pinned_host_key_and_the_storage_key_reaches_only_the_shares_files()
    {
        var share = Directory.CreateDirectory(Path.Combine(_files.FullName, "share")).FullName;
        var spec = TestSpecs.TwoSites() with { Storage = new GridSpan.Config.StorageSpec([share]) };
        var plan = TestSpecs.Plan(spec);
        var secrets = new SecretGenerator(SystemRandomSource.Instance).Generate(plan);
        var renderer = new ClusterRenderer(plan, secrets, ClusterFacts.None, _ => RenderOptions.DebianContainer);
        var master = renderer.Render("demo-master").Bundle;
        var worker = renderer.Render("demo-berlin-cpu-001").Bundle;

        foreach (var ns in new[] { _master, _worker })
        {
            Tool.Run("ip", ["netns", "add", ns], "");
            _namespaces.Add(ns);
            Tool.Run("ip", ["-n", ns, "link", "set", "lo", "up"], "");
        }
        Tool.Run("ip", ["link", "add", "eth0", "netns", _master, "type", "veth", "peer", "name", "eth0", "netns", _worker], "");
        Tool.Run("ip", ["-n", _master, "addr", "add", "10.11.0.10/24", "dev", "eth0"], "");
        Tool.Run("ip", ["-n", _worker, "addr", "add", "10.11.0.11/24", "dev", "eth0"], "");
        Tool.Run("ip", ["-n", _master, "link", "set", "eth0", "up"], "");
        Tool.Run("ip", ["-n", _worker, "link", "set", "eth0", "up"], "");

        // The master's sshd with what the bundle gives it: host key, the storage account's key, and the drop-in's
        // Match block for that account. The account and the chroot exist only in sshd's own mount namespace:
        // a copy of /etc/passwd with the account the master's commands create, a tmpfs over /var/lib holding the
        // chroot, and the share bind-mounted in it as the master's mount unit does.
        var hostKey = Write("master/ssh_host_ed25519_key", Content(master, NodePaths.HostKey));
        var hostCertificate = Write("master/ssh_host_ed25519_key-cert.pub", Content(master, SshRenderer.HostCertificatePath));
        Write($"master/authorized_keys.d/{StorageRenderer.StorageUser}", Content(master, StorageRenderer.AuthorizedKeysPath));
        var dropIn = Content(master, SshdRenderer.DropInPath);
        var matchBlock = dropIn[dropIn.IndexOf("Match User", StringComparison.Ordinal)..];
        var sshdConfig = Write("master/sshd_config", string.Join('\n',
            "ListenAddress 10.11.0.10", $"HostKey {hostKey}", $"HostCertificate {hostCertificate}", $"AuthorizedKeysFile {_files.FullName}/master/authorized_keys.d/%u",
            "PermitRootLogin prohibit-password", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
            "StrictModes no", "PidFile none", "Subsystem sftp internal-sftp", matchBlock));
        var passwd = Write("master/passwd", File.ReadAllText("/etc/passwd") + $"{StorageRenderer.StorageUser}:*:0:0::/:/usr/sbin/nologin\n");
        File.SetUnixFileMode(passwd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var bind = Content(master, $"/etc/systemd/system/{StorageRenderer.MountUnitName(StorageRenderer.ChrootPath(share))}");
        Assert.Contains($"Where={StorageRenderer.ChrootDirectory}{share}", bind, StringComparison.Ordinal);
        Assert.Contains("Options=bind", bind, StringComparison.Ordinal);
        Assert.Contains(StorageRenderer.CreateStorageUser, master.Commands);
        // sshd's privilege separation directory, which the openssh-server package normally provides at boot.
        // Created when missing and left in place: other suites running at the same time may need it too.
        Directory.CreateDirectory("/run/sshd");
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        var inNamespace = $"mount --bind '{passwd}' /etc/passwd && mount -t tmpfs -o mode=0755 gridspan-test /var/lib && " +
            $"mkdir -p '{StorageRenderer.ChrootPath(share)}' && mount --bind '{share}' '{StorageRenderer.ChrootPath(share)}' && " +
            $"exec /usr/sbin/sshd -D -e -f '{sshdConfig}'";
        foreach (var argument in new[] { "netns", "exec", _master, "unshare", "--mount", "--propagation", "private", "sh", "-c", inNamespace })
        {
            start.ArgumentList.Add(argument);
        }
        _sshd = Process.Start(start)!;
        File.WriteAllText(Path.Combine(share, "from-master"), "written on the master\n");

        // The worker: its storage key and known hosts, and its /etc/hosts (ip netns exec binds /etc/netns/<ns>/hosts).
        var key = Write("worker/storage_ed25519", Content(worker, NodePaths.StorageKey));
        var knownHosts = Write("worker/ssh_known_hosts", Content(worker, NodePaths.KnownHosts));
        Directory.CreateDirectory($"/etc/netns/{_worker}");
        File.WriteAllText($"/etc/netns/{_worker}/hosts", Content(worker, NodePaths.Hosts));
        var unit = Content(worker, $"/etc/systemd/system/{StorageRenderer.MountUnitName(share)}");
        string Field(string name) => unit.Split('\n').Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
        Assert.Equal("fuse.sshfs", Field("Type"));
        Assert.Equal($"{StorageRenderer.StorageUser}@demo-master:{share}", Field("What"));
        var options = Field("Options")
            .Replace($"IdentityFile={NodePaths.StorageKey}", $"IdentityFile={key}", StringComparison.Ordinal)
            .Replace($"UserKnownHostsFile={NodePaths.KnownHosts}", $"UserKnownHostsFile={knownHosts}", StringComparison.Ordinal);
        var mountPoint = Directory.CreateDirectory(Path.Combine(_files.FullName, "mnt")).FullName;

        // Mount as systemd would (mount -t TYPE WHAT WHERE -o OPTIONS), write, read, unmount: all inside the
        // worker's namespace, whose mounts end with the command.
        var output = RunInWorker(
            $"for i in 1 2 3 4 5 6 7 8 9 10; do mount -t fuse.sshfs '{Field("What")}' '{mountPoint}' -o '{options}' && break; sleep 0.5; done; " +
            $"mountpoint -q '{mountPoint}' || exit 1; " +
            $"cat '{mountPoint}/from-master' && echo 'written on a worker' > '{mountPoint}/from-worker'; status=$?; " +
            $"fusermount3 -u '{mountPoint}'; exit $status");
        Assert.Contains("written on the master", output, StringComparison.Ordinal);
        Assert.Equal("written on a worker\n", File.ReadAllText(Path.Combine(share, "from-worker")));

        // The storage key opens SFTP only: a command over SSH never runs, and root does not accept the key.
        var ssh = $"-i '{key}' -o UserKnownHostsFile='{knownHosts}' -o StrictHostKeyChecking=yes -o BatchMode=yes";
        var shell = RunInWorker($"ssh {ssh} {StorageRenderer.StorageUser}@demo-master 'echo shell-ran-$((6*7))' </dev/null; true");
        Assert.DoesNotContain("shell-ran-42", shell, StringComparison.Ordinal);
        var asRoot = RunInWorker($"ssh {ssh} root@demo-master 'echo shell-ran-$((6*7))' </dev/null 2>&1; echo exit=$?");
        Assert.DoesNotContain("shell-ran-42", asRoot, StringComparison.Ordinal);
        Assert.Contains("exit=255", asRoot, StringComparison.Ordinal);

        // And SFTP reaches the shares only: outside them nothing is read or written.
        var got = Path.Combine(_files.FullName, "got");
        Sftp(ssh, $"get {share}/from-master {got}");
        Assert.Equal("written on the master\n", File.ReadAllText(got));
        Assert.Throws<InvalidOperationException>(() => Sftp(ssh, $"get /etc/passwd {got}.passwd"));
        Assert.False(File.Exists(got + ".passwd"));
        Assert.Throws<InvalidOperationException>(() => Sftp(ssh, $"put {passwd} /etc/gridspan-was-here"));
        Assert.False(File.Exists("/etc/gridspan-was-here"));
        // A path climbing out of the share stays inside the chroot (sshd resolves it there), never reaching the real directory.
        var outside = Path.Combine(Path.GetDirectoryName(_files.FullName)!, $"gridspan-outside-{Guid.NewGuid():N}");
        Sftp(ssh, $"-put {passwd} {share}/../../../{Path.GetFileName(outside)}");
        Assert.False(File.Exists(outside));

        // A known-hosts file that does not trust the cluster's authority for the master's name makes the mount fail.
        var stranger = Write("worker/other_known_hosts", Content(worker, NodePaths.KnownHosts).Replace("demo-*,", "someone-else-*,", StringComparison.Ordinal));
        Assert.ThrowsAny<InvalidOperationException>(() => RunInWorker(
            $"mount -t fuse.sshfs '{Field("What")}' '{mountPoint}' -o '{options.Replace(knownHosts, stranger, StringComparison.Ordinal)}'"));
    }

    /// <summary>One SFTP command with the storage key from the worker; throws when sftp reports it failed.</summary>
    private string Sftp(string ssh, string command) =>
        RunInWorker($"printf '%s\\n' '{command}' | sftp {ssh} -b - {StorageRenderer.StorageUser}@demo-master");

    private string RunInWorker(string script) => Tool.Run("ip", ["netns", "exec", _worker, "sh", "-c", script], "");

    private static string Content(NodeBundle bundle, string path) => bundle.Files.Single(f => f.Path == path).Content;

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_files.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    public void Dispose()
    {
        if (_sshd is { } sshd)
        {
            if (!sshd.HasExited)
            {
                sshd.Kill(entireProcessTree: true);
                sshd.WaitForExit(5000);
            }
            sshd.Dispose();
        }
        foreach (var ns in _namespaces)
        {
            foreach (var pid in Tool.Run("ip", ["netns", "pids", ns], "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    using var process = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                    process.Kill();
                    process.WaitForExit(5000);
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
            Tool.Run("ip", ["netns", "delete", ns], "");
        }
        if (Directory.Exists($"/etc/netns/{_worker}"))
        {
            Directory.Delete($"/etc/netns/{_worker}", recursive: true);
        }
        _files.Delete(recursive: true);
    }
}
