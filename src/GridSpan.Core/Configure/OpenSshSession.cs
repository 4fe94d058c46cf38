using GridSpan.Common;
using GridSpan.Common.Quoting;

namespace GridSpan.Configure;

/// <summary>
/// Runs commands on a node with the OpenSSH client, through the cluster's ssh_config (pinned host
/// keys, the cluster key, the jump host, a multiplexed connection). The command travels as one
/// argument to "sh -c", run as root (through "sudo -n" for other users); input, secrets included,
/// travels on stdin.
/// </summary>
internal sealed class OpenSshSession : INodeSession
{
    private readonly SshTransport _transport;

    public OpenSshSession(SshTransport transport, SshTarget target)
    {
        _transport = transport;
        Target = target;
    }

    public SshTarget Target { get; }

    public string NodeName => Target.NodeName;

    public async Task<CommandResult> RunAsync(string command, string? standardInput, CancellationToken cancellationToken)
    {
        var result = await RunRawAsync(command, standardInput, _transport.Options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (SshFailure.Classify(result) is { } failure)
        {
            throw SshFailure.ToException(Target, failure, result.StandardError);
        }
        return result;
    }

    internal Task<CommandResult> RunRawAsync(string command, string? standardInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Converging needs root; other users (a cloud image's default user) get it through sudo without a password.
        var remote = (Target.User == "root" ? "" : "sudo -n ") + "sh -c " + ShellQuote.Quote(command);
        var request = new CommandRequest("ssh", ["-F", _transport.ConfigFile, "-T", Target.NodeName, "--", remote])
        {
            StandardInput = standardInput,
            Timeout = timeout,
        };
        return _transport.Runner.RunAsync(request, cancellationToken);
    }
}
