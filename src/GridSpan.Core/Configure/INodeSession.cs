using GridSpan.Common;

namespace GridSpan.Configure;

/// <summary>
/// A way to run shell commands on one node: all the converger needs. Implementations decide how the
/// node is reached (OpenSSH for containers and VMs alike); the converger never knows.
/// </summary>
public interface INodeSession
{
    string NodeName { get; }

    /// <summary>
    /// Runs <paramref name="command"/> with /bin/sh as root on the node and returns its result whatever its exit code.
    /// Secrets go in <paramref name="standardInput"/>, never in the command. Throws a
    /// <see cref="GridSpanException"/> when the node cannot be reached at all.
    /// </summary>
    Task<CommandResult> RunAsync(string command, string? standardInput, CancellationToken cancellationToken);
}
