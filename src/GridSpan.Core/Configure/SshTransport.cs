using GridSpan.Common;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace GridSpan.Configure;

/// <summary>
/// The SSH client side of one cluster: keeps its ssh_config and known_hosts (pinned keys) in step
/// with the nodes it is asked to reach, opens sessions on them, and closes the multiplexed
/// connections at the end. Nodes are containers or VMs alike: only their <see cref="SshTarget"/> counts.
/// </summary>
public sealed class SshTransport : INodeConnector, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SshTarget> _targets = new(StringComparer.Ordinal);

    public SshTransport(SshTransportOptions options, ICommandRunner runner)
    {
        foreach (var path in new[] { options.IdentityFile, options.Directory, options.ControlDirectory })
        {
            if (!Path.IsPathFullyQualified(path) || path.Any(c => c is '"' or '\n' or '\r' or '\0'))
            {
                throw GridSpanException.Failed($"'{path}' cannot be used by the SSH client: it must be an absolute path without quotes or line breaks");
            }
        }
        if (options.ControlDirectory.Length > SshTransportOptions.MaxControlDirectoryLength)
        {
            throw GridSpanException.Failed(
                $"the SSH control directory '{options.ControlDirectory}' is too long for a socket path",
                $"use a directory of at most {SshTransportOptions.MaxControlDirectoryLength} characters (SshTransportOptions.ForCluster picks one)");
        }
        Options = options;
        Runner = runner;
        ConfigFile = Path.Combine(options.Directory, "ssh_config");
        KnownHostsFile = Path.Combine(options.Directory, "known_hosts");
        if (options.PerProcess)
        {
            RemoveEndedProcessesDirectories(options);
        }
        PrivateFiles.EnsureDirectory(options.Directory, "the SSH client's directory");
        PrivateFiles.EnsureDirectory(options.ControlDirectory, "the SSH control directory");
        WriteFiles([]);
    }

    public SshTransportOptions Options { get; }

    public ICommandRunner Runner { get; }

    /// <summary>The generated client configuration; `ssh -F &lt;ConfigFile&gt; &lt;node&gt;` reaches any known node.</summary>
    public string ConfigFile { get; }

    public string KnownHostsFile { get; }

    /// <summary>A session on the node; nothing is sent until the first command.</summary>
    public INodeSession Session(SshTarget target)
    {
        Register(target);
        return new OpenSshSession(this, target);
    }

    /// <summary>
    /// Waits until the node accepts SSH (it may still be booting), retrying only while it is
    /// unreachable; a wrong host key or a refused key fails at once.
    /// </summary>
    public async Task<INodeSession> ConnectAsync(SshTarget target, TimeSpan waitUpTo, CancellationToken cancellationToken)
    {
        Register(target);
        var session = new OpenSshSession(this, target);
        var hops = target.WithJumps().Count();
        var probeTimeout = Options.ConnectTimeout * hops + TimeSpan.FromSeconds(5);
        CommandResult? last = null;
        var pipeline = new ResiliencePipelineBuilder<CommandResult>()
            .AddTimeout(waitUpTo)
            .AddRetry(new RetryStrategyOptions<CommandResult>
            {
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Result is { } result && SshFailure.Classify(result) == SshFailureKind.Unreachable),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(2),
                UseJitter = true,
            })
            .Build();
        try
        {
            last = await pipeline.ExecuteAsync(
                async token => last = await session.RunRawAsync("true", null, probeTimeout, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException) when (!cancellationToken.IsCancellationRequested)
        {
            throw last is not null && SshFailure.Classify(last) is { } kind
                ? SshFailure.ToException(target, kind, last.StandardError + $"\n(still unreachable after {waitUpTo.TotalSeconds:0} s)")
                : GridSpanException.Failed($"node '{target.NodeName}' did not accept SSH within {waitUpTo.TotalSeconds:0} s");
        }
        if (SshFailure.Classify(last) is { } failure)
        {
            throw SshFailure.ToException(target, failure, last.StandardError);
        }
        if (!last.Succeeded)
        {
            throw GridSpanException.Failed(
                $"node '{target.NodeName}' accepted SSH but could not run 'true' (exit code {last.ExitCode}): {last.StandardError.Trim()}",
                "the user's login shell on the node is broken; check the image");
        }
        return session;
    }

    /// <summary>Ends every multiplexed connection of this cluster, including ones left by an earlier run.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await CloseMastersAsync(cancellationToken).ConfigureAwait(false);
        if (Options.PerProcess)
        {
            RemoveDirectory(Options.ControlDirectory);
            RemoveDirectory(Options.Directory);
        }
    }

    private async Task CloseMastersAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Options.ControlDirectory))
        {
            return;
        }
        foreach (var socket in Directory.EnumerateFiles(Options.ControlDirectory))
        {
            // `-O exit` returns before the master process has gone: wait for it, so closed means no ssh process left.
            var master = MasterProcessId((await ControlAsync(socket, "check", cancellationToken).ConfigureAwait(false)).StandardError);
            var result = await ControlAsync(socket, "exit", cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded && File.Exists(socket))
            {
                File.Delete(socket); // a socket whose master is gone
            }
            if (master is { } pid)
            {
                await Wait.UntilAsync(_ => Task.FromResult(HasExited(pid)), TimeSpan.FromMilliseconds(20),
                    TimeSpan.FromSeconds(10), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Per-process directories (p&lt;pid&gt;-&lt;n&gt;, and cm-&lt;hash&gt;-p&lt;pid&gt;-&lt;n&gt; in the runtime directory) of processes
    /// that no longer run: a run killed before it could close. Their masters ended by themselves (ControlPersist).
    /// </summary>
    private static void RemoveEndedProcessesDirectories(SshTransportOptions options)
    {
        foreach (var own in new[] { options.Directory, options.ControlDirectory })
        {
            if (own.StartsWith(options.Directory + "/", StringComparison.Ordinal))
            {
                continue; // a control directory inside the client directory goes with it
            }
            var parent = Path.GetDirectoryName(own)!;
            var name = Path.GetFileName(own);
            var prefix = name.LastIndexOf(SshTransportOptions.ProcessPrefix, StringComparison.Ordinal);
            var stem = name[..(prefix + SshTransportOptions.ProcessPrefix.Length)];
            if (prefix < 0 || !Directory.Exists(parent))
            {
                continue;
            }
            foreach (var sibling in Directory.EnumerateDirectories(parent, stem + "*"))
            {
                var pid = Path.GetFileName(sibling)[stem.Length..].Split('-')[0];
                if (int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                    && id != Environment.ProcessId && !Directory.Exists($"/proc/{id}"))
                {
                    RemoveDirectory(sibling);
                }
            }
        }
    }

    private static void RemoveDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A socket of a master still shutting down; it goes with the next run's sweep.
        }
    }

    /// <summary>
    /// Gone, or a zombie: the master ran in the background (ControlPersist), so init reaps it, and
    /// this machine's init may take seconds to (measured: every closed master a zombie, 10 s waits).
    /// </summary>
    private static bool HasExited(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 1)..].TrimStart().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private Task<CommandResult> ControlAsync(string socket, string command, CancellationToken cancellationToken) =>
        Runner.RunAsync(new CommandRequest("ssh", ["-F", ConfigFile, "-o", "ControlPath=" + socket.Replace("%", "%%", StringComparison.Ordinal), "-O", command, "gridspan-control"])
        {
            Timeout = TimeSpan.FromSeconds(10),
        }, cancellationToken);

    /// <summary>The pid in `ssh -O check`'s answer, "Master running (pid=1234)"; null when no master answers.</summary>
    private static int? MasterProcessId(string checkAnswer)
    {
        var match = System.Text.RegularExpressions.Regex.Match(checkAnswer, @"\(pid=(\d{1,9})\)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    public async ValueTask DisposeAsync() => await CloseAsync(CancellationToken.None).ConfigureAwait(false);

    private void Register(SshTarget target)
    {
        SshClientFiles.EnsureValid(target);
        lock (_lock)
        {
            var changed = false;
            foreach (var hop in target.WithJumps())
            {
                if (!_targets.TryGetValue(hop.NodeName, out var known) || !SameConnection(known, hop))
                {
                    _targets[hop.NodeName] = hop;
                    changed = true;
                }
            }
            if (changed)
            {
                WriteFiles(_targets.Values);
            }
        }
    }

    private static bool SameConnection(SshTarget a, SshTarget b) =>
        a.Address == b.Address && a.User == b.User && a.Port == b.Port && a.Jump?.NodeName == b.Jump?.NodeName &&
        a.HostKeys.SequenceEqual(b.HostKeys);

    private void WriteFiles(IEnumerable<SshTarget> targets)
    {
        var list = targets.ToList();
        WriteAtomically(KnownHostsFile, SshClientFiles.RenderKnownHosts(list));
        WriteAtomically(ConfigFile, SshClientFiles.RenderConfig(Options, KnownHostsFile, list));
    }

    /// <summary>Readers (running ssh processes) see the old or the new file, never half of one.</summary>
    private static void WriteAtomically(string path, string content) =>
        PrivateFiles.WriteAtomically(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(content)));
}
