using GridSpan.Common;
using Spectre.Console;

namespace GridSpan.Cli;

/// <summary>
/// Runs a verb's body and turns its outcome into an exit code: a <see cref="GridSpanException"/>
/// becomes its message and fix on stderr, Ctrl-C becomes 130, and anything else (a bug) one line naming
/// the crash log that holds the details, exit 1. No stack trace reaches the user.
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
        catch (AggregateException parallel) when (parallel.Flatten().InnerExceptions.OfType<GridSpanException>().FirstOrDefault() is { } first)
        {
            // A parallel loop (render writes nodes in parallel) wraps what its bodies threw: the first error is the one to fix.
            WriteError(context.Error, first.Message, first.Fix);
            return (int)first.ExitCode;
        }
        catch (Exception failure)
        {
            var log = CrashLog.Write(failure, string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                Path.Combine(context.Store.Home, "logs"));
            WriteError(context.Error, $"GridSpan failed unexpectedly ({failure.GetType().Name}); this is a bug",
                log is not null ? $"the details are in {log}; please report them" : "the details could not be logged; run again to see whether it repeats");
            return (int)ExitCode.Failure;
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
