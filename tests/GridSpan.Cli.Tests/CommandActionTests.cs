using GridSpan.Common;
using Spectre.Console;

namespace GridSpan.Cli.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CommandActionTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"gridspan-crash-test-{Guid.NewGuid():N}");

    private string Logs => Path.Combine(_home, "logs");

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task An_unexpected_exception_is_one_line_naming_a_private_crash_log_that_holds_the_stack_trace_and_exit_code_1()
    {
        using var error = new StringWriter();
        var context = CliContext.Compose(Console(new StringWriter()), Console(error), new HostEnvironment(new Dictionary<string, string?> { ["GRIDSPAN_HOME"] = _home }));

        var exitCode = await CommandAction.RunAsync(context, _ => throw new KeyNotFoundException("the key 'id' was not present"), CancellationToken.None);

        Assert.Equal((int)ExitCode.Failure, exitCode);
        var text = error.ToString();
        Assert.Contains("GridSpan failed unexpectedly (KeyNotFoundException); this is a bug", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        var log = Assert.Single(Directory.GetFiles(Logs, "crash-*.log"));
        Assert.Contains(log, text.ReplaceLineEndings(""), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
        var details = await File.ReadAllTextAsync(log);
        Assert.Contains("KeyNotFoundException: the key 'id' was not present", details, StringComparison.Ordinal);
        Assert.Contains("   at ", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gridspan_error_stays_its_message_and_fix_without_a_crash_log()
    {
        using var error = new StringWriter();
        var context = CliContext.Compose(Console(new StringWriter()), Console(error), new HostEnvironment(new Dictionary<string, string?> { ["GRIDSPAN_HOME"] = _home }));

        var exitCode = await CommandAction.RunAsync(context, _ => throw GridSpanException.Failed("it broke", "mend it"), CancellationToken.None);

        Assert.Equal((int)ExitCode.Failure, exitCode);
        Assert.Contains("it broke", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Logs));
    }

    private static IAnsiConsole Console(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
    });
}
