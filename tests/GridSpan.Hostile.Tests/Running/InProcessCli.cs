using System.CommandLine;
using System.Diagnostics;
using GridSpan.Cli;
using GridSpan.Common;
using GridSpan.Testing;

namespace GridSpan.Hostile.Tests.Running;

/// <summary>
/// Runs the real command tree in this process, with consoles that write to strings: the corpus's
/// bulk, a few milliseconds a run. An exception that escapes the CLI is a failure of the case (exit
/// -1, its stack trace in stderr), never of the test run.
/// </summary>
internal static class InProcessCli
{
    public static async Task<CliOutcome> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var clock = Stopwatch.StartNew();
        int exitCode;
        try
        {
            // Not CliInProcess.RunAsync: what the CLI printed before an exception escaped must be kept.
            var context = CliContext.Compose(CliInProcess.Console(output), CliInProcess.Console(error), HostEnvironment.FromProcess());
            exitCode = await CommandTree.Build(context).Parse(args)
                .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
                .ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever escapes the CLI is what the corpus reports.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync("Unhandled exception escaped the CLI: " + exception).ConfigureAwait(false);
            exitCode = -1;
        }
        return new CliOutcome(exitCode, output.ToString(), error.ToString(), clock.Elapsed, null, null, false);
    }
}
