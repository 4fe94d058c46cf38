using System.CommandLine;
using GridSpan.Cli;
using GridSpan.Provision;
using Spectre.Console;

namespace GridSpan.Testing;

/// <summary>Runs the real command tree in this process, as Program.cs does, with consoles that write to strings.</summary>
public static class CliInProcess
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(ProviderRegistry providers, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(Console(output), Console(error), providers);
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
