using System.Diagnostics;
using System.Globalization;
using GridSpan.Common;
using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

/// <summary>
/// A throwaway SSH world for one test: a "client" network namespace (where ssh runs) joined by a
/// veth pair to a "servers" namespace (where real sshd processes run), each sshd with its own
/// fresh host key, and a client key they accept. Nothing touches the host's network. Disposing
/// kills every process left in both namespaces (all started by the test), deletes them and the files.
/// </summary>
internal sealed class SshLab : IAsyncDisposable
{
    public const string ClientAddress = "192.168.77.1";
    public const string ServerAddress = "192.168.77.2";

    private readonly ProcessCommandRunner _host = new();
    private readonly List<Process> _daemons = [];
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private int _nextPort = 2200;

    private SshLab()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gridspan-ssh-" + _id);
        ClientNetns = "gs-sshc-" + _id;
        ServerNetns = "gs-sshs-" + _id;
    }

    public string Directory { get; }

    public string ClientNetns { get; }

    public string ServerNetns { get; }

    /// <summary>The private key the servers accept (the cluster key in the product).</summary>
    public string ClientKey => Path.Combine(Directory, "id_ed25519");

    public NetnsCommandRunner ClientRunner { get; private set; } = null!;

    public static async Task<SshLab> CreateAsync()
    {
        var lab = new SshLab();
        try
        {
            await lab.SetUpAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts an sshd in the servers namespace on <paramref name="listenAddress"/> and returns a target pinning its fresh host key.</summary>
    public async Task<SshTarget> StartServerAsync(string nodeName, string listenAddress = ServerAddress, IEnumerable<string>? extraConfig = null)
    {
        var server = await PrepareServerAsync(nodeName, listenAddress, extraConfig);
        await server.StartAsync();
        return server.Target;
    }

    /// <summary>An sshd with its host key and config ready but not started yet (a node still booting).</summary>
    public async Task<TestSshServer> PrepareServerAsync(string nodeName, string listenAddress = ServerAddress, IEnumerable<string>? extraConfig = null)
    {
        var port = Interlocked.Increment(ref _nextPort);
        var serverDirectory = Path.Combine(Directory, nodeName);
        System.IO.Directory.CreateDirectory(serverDirectory);
        var hostKey = Path.Combine(serverDirectory, "ssh_host_ed25519_key");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", nodeName, "-f", hostKey);
        var config = Path.Combine(serverDirectory, "sshd_config");
        await File.WriteAllTextAsync(config, string.Join('\n', (IEnumerable<string>)[
            $"ListenAddress {listenAddress}",
            $"Port {port}",
            $"HostKey {hostKey}",
            $"AuthorizedKeysFile {Path.Combine(Directory, "authorized_keys")}",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "PidFile none",
            "AllowTcpForwarding yes",
            "MaxStartups 100",
            "MaxSessions 100",
            "LogLevel VERBOSE",
            .. extraConfig ?? [],
            ""]));
        var publicKey = (await File.ReadAllTextAsync(hostKey + ".pub")).Trim();
        var target = SshTarget.Direct(nodeName, listenAddress, [publicKey], port: port);
        return new TestSshServer(target, () => StartDaemonAsync(nodeName, config));
    }

    private async Task StartDaemonAsync(string nodeName, string config)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "netns", "exec", ServerNetns, "/usr/sbin/sshd", "-D", "-e", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }
        var daemon = Process.Start(start) ?? throw new InvalidOperationException("sshd did not start");
        lock (_daemons)
        {
            _daemons.Add(daemon);
        }
        var log = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        daemon.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"sshd for {nodeName} exited: {log}"));
                return;
            }
            lock (log)
            {
                log.AppendLine(line.Data);
            }
            if (line.Data.Contains("Server listening", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        daemon.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>A transport like the product's, whose ssh runs in the client namespace.</summary>
    public SshTransport CreateTransport(string? identityFile = null, string name = "cluster") =>
        new(SshTransportOptions.ForCluster(Path.Combine(Directory, name), identityFile ?? ClientKey, null) with
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ControlPersist = TimeSpan.FromSeconds(30),
        }, ClientRunner);

    public async Task<string> NewKeyAsync(string name)
    {
        var path = Path.Combine(Directory, name);
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path);
        return path;
    }

    /// <summary>
    /// Stops everything in an order where every parent outlives its children (this machine's PID 1
    /// does not reap orphans): clients first, then sshd sessions, then the listening daemons, and
    /// only then SIGKILL for whatever is left.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await StopProcessesInAsync(ClientNetns, except: []);
        var listeners = _daemons.Where(daemon => !daemon.HasExited).Select(daemon => daemon.Id).ToHashSet();
        await StopProcessesInAsync(ServerNetns, except: listeners);
        foreach (var daemon in _daemons)
        {
            await SignalAsync(daemon.Id, "TERM");
        }
        foreach (var daemon in _daemons)
        {
            try
            {
                await daemon.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                daemon.Kill(entireProcessTree: true);
            }
            daemon.Dispose();
        }
        foreach (var netns in new[] { ClientNetns, ServerNetns })
        {
            foreach (var pid in await PidsInAsync(netns))
            {
                await SignalAsync(pid, "KILL");
            }
            await _host.RunAsync(CommandRequest.Of("ip", "netns", "del", netns), CancellationToken.None);
        }
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task SetUpAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation directory
        await RunAsync("ip", "netns", "add", ClientNetns);
        await RunAsync("ip", "netns", "add", ServerNetns);
        await RunAsync("ip", "-n", ClientNetns, "link", "set", "lo", "up");
        await RunAsync("ip", "-n", ServerNetns, "link", "set", "lo", "up");
        await RunAsync("ip", "-n", ClientNetns, "link", "add", "lab0", "type", "veth", "peer", "name", "lab0", "netns", ServerNetns);
        await RunAsync("ip", "-n", ClientNetns, "address", "add", ClientAddress + "/30", "dev", "lab0");
        await RunAsync("ip", "-n", ServerNetns, "address", "add", ServerAddress + "/30", "dev", "lab0");
        await RunAsync("ip", "-n", ClientNetns, "link", "set", "lab0", "up");
        await RunAsync("ip", "-n", ServerNetns, "link", "set", "lab0", "up");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gridspan-test", "-f", ClientKey);
        File.Copy(ClientKey + ".pub", Path.Combine(Directory, "authorized_keys"));
        ClientRunner = new NetnsCommandRunner(ClientNetns, _host);
    }

    /// <summary>Every process in a namespace this lab made was started by this test (sshd sessions, ssh masters).</summary>
    private async Task StopProcessesInAsync(string netns, HashSet<int> except)
    {
        foreach (var pid in (await PidsInAsync(netns)).Where(pid => !except.Contains(pid)))
        {
            await SignalAsync(pid, "TERM");
        }
        for (var attempt = 0; attempt < 30 && (await PidsInAsync(netns)).Any(pid => !except.Contains(pid)); attempt++)
        {
            await Task.Delay(100);
        }
    }

    private async Task<IReadOnlyList<int>> PidsInAsync(string netns)
    {
        var pids = await _host.RunAsync(CommandRequest.Of("ip", "netns", "pids", netns), CancellationToken.None);
        return pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => int.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .ToList();
    }

    private Task<CommandResult> SignalAsync(int pid, string signal) =>
        _host.RunAsync(CommandRequest.Of("kill", "-" + signal, pid.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);

    private Task<CommandResult> RunAsync(string program, params string[] arguments) =>
        _host.RunCheckedAsync(CommandRequest.Of(program, arguments), CancellationToken.None);
}
