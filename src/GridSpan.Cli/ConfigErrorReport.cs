using GridSpan.Config;
using Spectre.Console;

namespace GridSpan.Cli;

/// <summary>
/// Prints a configuration file's errors for people and for editors' problem matchers:
/// `file:line:col: key: problem`, then an indented fix line. Verbs that load cluster.yaml use this.
/// </summary>
public static class ConfigErrorReport
{
    public static void Write(IAnsiConsole error, string path, ConfigLoadResult result)
    {
        // Plain lines straight to the writer: Spectre would wrap long lines at the console width.
        var writer = error.Profile.Out.Writer;
        foreach (var line in result.FormatErrors())
        {
            writer.WriteLine(line);
        }
        var count = result.Errors.Length;
        writer.WriteLine($"{path} is invalid: {count} error{(count == 1 ? "" : "s")}");
    }
}
