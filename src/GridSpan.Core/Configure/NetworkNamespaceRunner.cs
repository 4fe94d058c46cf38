using GridSpan.Common;

namespace GridSpan.Configure;

/// <summary>
/// Runs every command inside a network namespace (`ip netns exec NAME ...`). The SSH client gets
/// one when the nodes' addresses are reachable only from there, as with the local cloud, whose
/// floating addresses live in its "world" namespace; the transport itself stays unaware of it.
/// </summary>
public sealed class NetworkNamespaceRunner(string networkNamespace, ICommandRunner inner) : ICommandRunner
{
    public string NetworkNamespace { get; } = networkNamespace;

    public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken) =>
        inner.RunAsync(
            request with { Program = "ip", Arguments = ["netns", "exec", NetworkNamespace, request.Program, .. request.Arguments] },
            cancellationToken);
}
