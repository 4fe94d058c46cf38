namespace GridSpan.Common;

/// <summary>
/// The one way GridSpan runs external programs (ip, nft, systemd-nspawn, ssh, systemctl):
/// non-interactive, output captured, cancellable.
/// </summary>
public interface ICommandRunner
{
    /// <summary>Runs the command and returns its result whatever the exit code.</summary>
    Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken);
}

public static class CommandRunnerExtensions
{
    /// <summary>Runs the command and throws a <see cref="GridSpanException"/> quoting stderr when it fails.</summary>
    public static async Task<CommandResult> RunCheckedAsync(
        this ICommandRunner runner, CommandRequest request, CancellationToken cancellationToken, string? fix = null)
    {
        var result = await runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        return result.EnsureSuccess(fix);
    }

}
