using Spectre.Console;

namespace GridSpan.Cli;

/// <summary>
/// Creates the Spectre console for a standard stream. When the stream goes to a file or a pipe,
/// output carries no colour codes and is not wrapped at 80 columns, so scripts and logs get whole lines.
/// </summary>
public static class TerminalConsole
{
    public static IAnsiConsole For(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = int.MaxValue / 2;
        }
        return console;
    }
}
