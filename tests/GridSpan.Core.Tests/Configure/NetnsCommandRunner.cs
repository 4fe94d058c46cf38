using GridSpan.Common;
using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

/// <summary>
/// Runs every command inside a network namespace the test created, so nothing a test does reaches
/// the host's network, and keeps each command line so tests can check what was (not) sent.
/// </summary>
internal sealed class NetnsCommandRunner(string netns, ICommandRunner inner) : ICommandRunner
{
    private readonly NetworkNamespaceRunner _inNamespace = new(netns, inner);

    public List<string> Trace { get; } = [];

    public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        lock (Trace)
        {
            Trace.Add(request.ToString());
        }
        return _inNamespace.RunAsync(request, cancellationToken);
    }
}
