using System.Diagnostics;
using System.Globalization;
using GridSpan.Configure;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GridSpan.Cli.Views;

/// <summary>
/// Shows nodes converging: on a terminal a live table with one row per node (its step, state,
/// what it is doing, time); otherwise, or with --verbose, one line per finished step, and with
/// --verbose each command as it runs. Safe to report to from many nodes at once.
/// </summary>
public sealed class ConvergeProgressView : IProgress<ConvergeStep>
{
    private const int DetailWidth = 70;
    private readonly IAnsiConsole _console;
    private readonly Lock _lock = new();
    private readonly List<Row> _rows;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConvergeProgressView(IAnsiConsole console, IEnumerable<string> nodeNames, bool verbose)
    {
        _console = console;
        Verbose = verbose;
        _rows = [.. nodeNames.Select(name => new Row(name))];
        IsLive = console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi && !verbose;
    }

    public bool Verbose { get; }

    /// <summary>True when a live table is drawn; false when progress is written line by line.</summary>
    public bool IsLive { get; }

    public void Report(ConvergeStep value)
    {
        lock (_lock)
        {
            var row = _rows.Find(row => row.Node == value.NodeName);
            if (row is null)
            {
                row = new Row(value.NodeName);
                _rows.Add(row);
            }
            row.Update(value, _clock.Elapsed);
            if (!IsLive && (value.Status != ConvergeStepStatus.Running || Verbose))
            {
                _console.MarkupLine(Line(value));
            }
        }
    }

    /// <summary>For <c>new ProcessCommandRunner(view.Trace)</c>: with --verbose, prints each command as it starts.</summary>
    public void Trace(string commandLine)
    {
        if (!Verbose)
        {
            return;
        }
        lock (_lock)
        {
            _console.MarkupLine("[grey]  $ " + Markup.Escape(commandLine) + "[/]");
        }
    }

    /// <summary>Runs the work with this view showing its progress; the live table stays on screen afterwards.</summary>
    public async Task<T> RunAsync<T>(Func<IProgress<ConvergeStep>, Task<T>> work)
    {
        if (!IsLive)
        {
            return await work(this).ConfigureAwait(false);
        }
        T result = default!;
        await _console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            var running = work(this);
            while (!running.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(120))).ConfigureAwait(false);
            }
            context.UpdateTarget(Render());
            result = await running.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    /// <summary>The table as it is now.</summary>
    public IRenderable Render()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Node").AddColumn("Step").AddColumn("State").AddColumn("Detail").AddColumn(new TableColumn("Time").RightAligned());
        lock (_lock)
        {
            foreach (var row in _rows)
            {
                table.AddRow(
                    new Markup(Markup.Escape(row.Node)),
                    new Markup(row.Step is { } step ? Markup.Escape(StepName(step)) : "[grey]waiting[/]"),
                    new Markup(row.Status is { } status ? State(status, _clock.Elapsed) : ""),
                    new Markup(Markup.Escape(Shorten(row.Detail))),
                    new Markup(Seconds((row.Finished ?? _clock.Elapsed) - row.Started)));
            }
        }
        return table;
    }

    /// <summary>One line after all nodes finished: how many changed, how long it took.</summary>
    public void WriteSummary(ClusterConvergeResult result)
    {
        var changed = result.Reports.Count(report => report.Changed);
        var nodes = result.Reports.Length == 1 ? "1 node" : $"{result.Reports.Length} nodes";
        var text = result.Failures.IsEmpty
            ? changed == 0
                ? $"[green]{nodes} already converged: nothing changed[/]"
                : $"[green]{nodes} converged[/]: {changed} changed, {result.Reports.Length - changed} unchanged"
            : $"[red]{result.Failures.Length} of {result.Failures.Length + result.Reports.Length} nodes failed[/]";
        _console.MarkupLine($"{text} [grey]in {Seconds(result.Elapsed)}[/]");
    }

    private static string Line(ConvergeStep step) =>
        $"{Markup.Escape(step.NodeName)} [grey]{Markup.Escape(StepName(step.Step))}[/] {State(step.Status, TimeSpan.Zero)} {Markup.Escape(step.Detail)}";

    private static string StepName(ConvergeStepKind step) => step.ToString().ToLowerInvariant();

    private static string State(ConvergeStepStatus status, TimeSpan now) => status switch
    {
        ConvergeStepStatus.Running => "[yellow]" + Spinner[(int)(now.TotalMilliseconds / 120) % Spinner.Length] + " running[/]",
        ConvergeStepStatus.Changed => "[green]changed[/]",
        ConvergeStepStatus.Unchanged => "[grey]ok[/]",
        _ => "[red]failed[/]",
    };

    private static readonly string[] Spinner = ["|", "/", "-", "\\"];

    private static string Shorten(string detail)
    {
        var line = detail.Split('\n')[0];
        return line.Length <= DetailWidth ? line : line[..(DetailWidth - 3)] + "...";
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private sealed class Row(string node)
    {
        public string Node { get; } = node;

        public ConvergeStepKind? Step { get; private set; }

        public ConvergeStepStatus? Status { get; private set; }

        public string Detail { get; private set; } = "";

        public TimeSpan Started { get; private set; }

        public TimeSpan? Finished { get; private set; }

        public void Update(ConvergeStep step, TimeSpan now)
        {
            if (Step is null)
            {
                Started = now;
            }
            Step = step.Step;
            Status = step.Status;
            Detail = step.Detail;
            if (step.Step == ConvergeStepKind.Done || step.Status == ConvergeStepStatus.Failed)
            {
                Finished = now;
            }
        }
    }
}
