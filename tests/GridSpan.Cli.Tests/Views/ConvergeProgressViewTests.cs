using System.Collections.Immutable;
using GridSpan.Cli.Views;
using GridSpan.Configure;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GridSpan.Cli.Tests.Views;

public sealed class ConvergeProgressViewTests
{
    [Fact]
    public void Without_a_terminal_each_finished_step_is_one_line_and_running_steps_are_quiet()
    {
        var (console, output) = Console(interactive: false);
        var view = new ConvergeProgressView(console, ["master", "worker-1"], verbose: false);

        view.Report(new ConvergeStep("master", ConvergeStepKind.Files, ConvergeStepStatus.Running, "writing /etc/slurm/slurm.conf"));
        view.Report(new ConvergeStep("master", ConvergeStepKind.Files, ConvergeStepStatus.Changed, "wrote /etc/slurm/slurm.conf"));
        view.Report(new ConvergeStep("worker-1", ConvergeStepKind.Packages, ConvergeStepStatus.Unchanged, "3 present"));
        view.Report(new ConvergeStep("worker-1", ConvergeStepKind.Services, ConvergeStepStatus.Failed, "node 'worker-1': services: unit 'slurmd.service' does not exist"));

        Assert.False(view.IsLive);
        Assert.Equal(
            "master files changed wrote /etc/slurm/slurm.conf\n" +
            "worker-1 packages ok 3 present\n" +
            "worker-1 services failed node 'worker-1': services: unit 'slurmd.service' does not exist\n",
            output.ToString());
    }

    [Fact]
    public void Verbose_shows_running_steps_and_each_command_even_on_a_terminal()
    {
        var (console, output) = Console(interactive: true);
        var view = new ConvergeProgressView(console, ["master"], verbose: true);

        view.Trace("ssh -F /state/ssh_config -T master -- 'sh -c true'");
        view.Report(new ConvergeStep("master", ConvergeStepKind.Inspect, ConvergeStepStatus.Running, "reading files, packages and units"));

        Assert.False(view.IsLive);
        Assert.Contains("  $ ssh -F /state/ssh_config -T master -- 'sh -c true'\n", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("master inspect", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_are_not_shown_without_verbose()
    {
        var (console, output) = Console(interactive: false);
        var view = new ConvergeProgressView(console, ["master"], verbose: false);

        view.Trace("ssh -F /state/ssh_config master");

        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void The_table_has_a_row_per_node_with_its_step_state_and_detail()
    {
        var (console, _) = Console(interactive: false);
        var view = new ConvergeProgressView(console, ["master", "worker-1", "worker-2"], verbose: false);
        view.Report(new ConvergeStep("master", ConvergeStepKind.Done, ConvergeStepStatus.Changed, "3 files written"));
        view.Report(new ConvergeStep("worker-1", ConvergeStepKind.Packages, ConvergeStepStatus.Running, "installing slurmd, munge"));

        var table = Text(view.Render());

        var lines = table.Split('\n');
        Assert.Contains(lines, line => line.Contains("master", StringComparison.Ordinal) && line.Contains("done", StringComparison.Ordinal) && line.Contains("changed", StringComparison.Ordinal) && line.Contains("3 files written", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("worker-1", StringComparison.Ordinal) && line.Contains("packages", StringComparison.Ordinal) && line.Contains("running", StringComparison.Ordinal) && line.Contains("installing slurmd, munge", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("worker-2", StringComparison.Ordinal) && line.Contains("waiting", StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_or_multi_line_detail_is_cut_in_the_table()
    {
        var (console, _) = Console(interactive: false);
        var view = new ConvergeProgressView(console, ["master"], verbose: false);
        view.Report(new ConvergeStep("master", ConvergeStepKind.Health, ConvergeStepStatus.Failed, "unit 'slurmctld.service' is failed instead of active:\n● slurmctld.service - log line"));

        var table = Text(view.Render());

        Assert.Contains("unit 'slurmctld.service' is failed instead of active:", table, StringComparison.Ordinal);
        Assert.DoesNotContain("log line", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_the_live_table_ends_showing_every_node_finished()
    {
        var (console, output) = Console(interactive: true);
        var view = new ConvergeProgressView(console, ["master", "worker-1"], verbose: false);

        var answer = await view.RunAsync(async progress =>
        {
            progress.Report(new ConvergeStep("master", ConvergeStepKind.Files, ConvergeStepStatus.Running, "writing"));
            await Task.Delay(300);
            progress.Report(new ConvergeStep("master", ConvergeStepKind.Done, ConvergeStepStatus.Unchanged, "no change"));
            progress.Report(new ConvergeStep("worker-1", ConvergeStepKind.Done, ConvergeStepStatus.Changed, "1 file written"));
            return 42;
        });

        Assert.True(view.IsLive);
        Assert.Equal(42, answer);
        Assert.Contains("no change", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 file written", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_says_when_nothing_changed()
    {
        var (console, output) = Console(interactive: false);
        var view = new ConvergeProgressView(console, ["master"], verbose: false);
        var unchanged = new ConvergeReport("master", [], [], [], [], [], 2, TimeSpan.FromSeconds(0.4));

        view.WriteSummary(new ClusterConvergeResult([unchanged], ImmutableArray<NodeFailure>.Empty, TimeSpan.FromSeconds(1.25)));

        Assert.Equal("1 node already converged: nothing changed in 1.3 s\n", output.ToString());
    }

    private static (IAnsiConsole Console, StringWriter Output) Console(bool interactive)
    {
        var output = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = 160;
        return (console, output);
    }

    private static string Text(IRenderable renderable)
    {
        var (console, output) = Console(interactive: false);
        console.Write(renderable);
        return output.ToString();
    }
}
