using GridSpan.Common;

namespace GridSpan.Core.Tests.Configure;

/// <summary>Runs every command inside a network namespace the test created, so nothing a test does reaches the host's network.</summary>
internal sealed class NetnsCommandRunner(string netns, ICommandRunner inner) : ICommandRunner
{
    public List<string> Trace { get; } = [];

    public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        lock (Trace)
        {
            Trace.Add(request.ToString());
        }
        return inner.RunAsync(
            new CommandRequest("ip", ["netns", "exec", netns, request.Program, .. request.Arguments])
            {
                StandardInput = request.StandardInput,
                WorkingDirectory = request.WorkingDirectory,
                Environment = request.Environment,
                Timeout = request.Timeout,
            },
            cancellationToken);
    }
}
