using System.CommandLine;
using GridSpan.Cli;
using GridSpan.Common;
using Spectre.Console;

namespace GridSpan.Testing;

/// <summary>
/// Runs the real command tree in this process, composed as Program.cs composes it, with consoles that write
/// to strings and an environment of the test's own in place of the process's.
/// </summary>
public static class CliInProcess
{
    /// <param name="environment">What the CLI sees as its environment (GRIDSPAN_HOME, the local cloud's variables, ...).</param>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(HostEnvironment environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = CliContext.Compose(Console(output), Console(error), environment);
        var exitCode = await CommandTree.Build(context).Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .ConfigureAwait(false);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A console without colours or escape sequences, writing to <paramref name="writer"/>.</summary>
    public static IAnsiConsole Console(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
    });
}
