using GridSpan.Common;
using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

/// <summary>
/// A hand-written session that runs commands with this machine's own /bin/sh (the test writes
/// only under its scratch root), counting how many commands run at once across all sessions.
/// </summary>
internal sealed class LocalShellSession(string nodeName, ConcurrencyMeter meter) : INodeSession
{
    private readonly ProcessCommandRunner _runner = new();

    public string NodeName { get; } = nodeName;

    public async Task<CommandResult> RunAsync(string command, string? standardInput, CancellationToken cancellationToken)
    {
        using var _ = meter.Enter();
        await Task.Delay(50, cancellationToken); // long enough for runs to overlap when they may
        return await _runner.RunAsync(CommandRequest.Of("sh", "-c", command) with { StandardInput = standardInput }, cancellationToken);
    }
}

/// <summary>Counts concurrent work and remembers the peak.</summary>
internal sealed class ConcurrencyMeter
{
    private int _current;
    private int _peak;

    public int Peak => Volatile.Read(ref _peak);

    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _current);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
        return new Exit(this);
    }

    private sealed class Exit(ConcurrencyMeter meter) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref meter._current);
    }
}

/// <summary>A connector that hands out <see cref="LocalShellSession"/>s, refusing the nodes it is told are down.</summary>
internal sealed class LocalConnector(ConcurrencyMeter meter, params string[] down) : INodeConnector
{
    public Task<INodeSession> ConnectAsync(SshTarget target, TimeSpan waitUpTo, CancellationToken cancellationToken) =>
        down.Contains(target.NodeName)
            ? throw SshFailure.ToException(target, SshFailureKind.Unreachable, $"ssh: connect to host {target.Address} port 22: No route to host")
            : Task.FromResult<INodeSession>(new LocalShellSession(target.NodeName, meter));
}
