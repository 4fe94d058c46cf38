using GridSpan.Common;
using Spectre.Console;

namespace GridSpan.Cli;

/// <summary>
/// Runs a verb's body and turns its outcome into an exit code: a <see cref="GridSpanException"/>
/// becomes its message and fix on stderr, Ctrl-C becomes 130. No stack trace reaches the user.
/// </summary>
public static class CommandAction
{
    public static async Task<int> RunAsync(CliContext context, Func<CancellationToken, Task<ExitCode>> body, CancellationToken cancellationToken)
    {
        try
        {
            return (int)await body(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.MarkupLine("[yellow]cancelled[/]");
            return (int)ExitCode.Cancelled;
        }
        catch (GridSpanException failure)
        {
            WriteError(context.Error, failure.Message, failure.Fix);
            return (int)failure.ExitCode;
        }
    }

    public static void WriteError(IAnsiConsole error, string message, string? fix)
    {
        error.MarkupLine($"[red]error:[/] {Markup.Escape(GridSpan.Config.PrintableText.Escape(message))}");
        if (!string.IsNullOrWhiteSpace(fix))
        {
            error.MarkupLine($"  [grey]fix:[/] {Markup.Escape(GridSpan.Config.PrintableText.Escape(fix))}");
        }
    }
}
