using System.CommandLine;
using System.Text.Json;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Doctor;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan doctor NAME [--json] [--all]`: the checklist of a cluster that does not work, run against the live cluster.</summary>
public static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The cluster's name." };
        var json = new Option<bool>("--json") { Description = "Print every finding as JSON, for scripts." };
        var all = new Option<bool>("--all") { Description = "Print every finding with its evidence, not only the failures." };
        var checks = string.Join("; ", ClusterDoctor.Checks.Select(c => $"{c.Name}: {c.Description}"));
        var command = new Command("doctor",
            "Check a live cluster the way an admin would when it does not work, and say what is wrong and how to fix it. " +
            $"It logs in to every node and runs, in order: {checks}. Each finding has its evidence (what the node answered) " +
            "and, when it failed, a fix. Nothing on the nodes is changed. Exit code 0 only when every check passes, 1 otherwise.")
        {
            name,
            json,
            all,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            await using var cluster = ClusterWorkspace.Open(context.Store, parseResult.GetValue(name)!, context.Providers, context.Runner, context.Runner,
                context.Environment.HomeDirectory);
            var asJson = parseResult.GetValue(json);
            var report = await ClusterDoctor.ExamineAsync(cluster, asJson ? null : step => context.Error.MarkupLine($"[grey]{Markup.Escape(step)}[/]"), token)
                .ConfigureAwait(false);
            if (asJson)
            {
                context.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
                {
                    cluster = report.Cluster,
                    passed = report.Passed,
                    findings = report.Findings,
                }, StatusCommand.Json));
            }
            else
            {
                Write(context.Out, report, parseResult.GetValue(all));
            }
            return report.Passed ? ExitCode.Success : ExitCode.Failure;
        }, cancellationToken));
        return command;
    }

    private static void Write(IAnsiConsole console, DoctorReport report, bool all)
    {
        foreach (var check in report.Findings.GroupBy(f => f.Check))
        {
            var failed = check.Count(f => !f.Passed);
            console.MarkupLine(failed == 0
                ? $"[green]pass[/] {Markup.Escape(check.Key)}: {check.Count()} passed"
                : $"[red]FAIL[/] {Markup.Escape(check.Key)}: {failed} of {check.Count()} failed");
            foreach (var finding in check.Where(f => all || !f.Passed))
            {
                console.MarkupLine($"  {(finding.Passed ? "[green]pass[/]" : "[red]FAIL[/]")} {Markup.Escape(finding.Subject)}: {Markup.Escape(finding.Evidence)}");
                if (finding.Fix is { } fix)
                {
                    console.MarkupLine($"       [grey]fix:[/] {Markup.Escape(fix)}");
                }
            }
        }
        var failures = report.Failures.Length;
        console.MarkupLine(failures == 0
            ? $"[green]cluster {Markup.Escape(report.Cluster)}: every check passed ({report.Findings.Length} findings)[/]"
            : $"[red]cluster {Markup.Escape(report.Cluster)}: {failures} of {report.Findings.Length} findings failed[/]");
    }
}
