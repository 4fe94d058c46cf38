using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using GridSpan.Common;

namespace GridSpan.Configure;

/// <summary>
/// Converges many nodes at once, at most <see cref="MaxParallelism"/> at a time, each reporting
/// its steps as it goes. A node that fails does not stop the others; the result lists every
/// failure. Jump hosts are connected first so the nodes behind them share their connection.
/// </summary>
public sealed class ClusterConfigurator
{
    private readonly INodeConnector _connector;
    private readonly NodeConverger _converger;

    public ClusterConfigurator(INodeConnector connector, NodeConverger converger, int maxParallelism = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelism, 1);
        _connector = connector;
        _converger = converger;
        MaxParallelism = maxParallelism;
    }

    public int MaxParallelism { get; }

    /// <summary>How long to wait for a node to accept SSH (it may still be booting).</summary>
    public TimeSpan ConnectWait { get; init; } = TimeSpan.FromMinutes(3);

    public async Task<ClusterConvergeResult> ConfigureAsync(
        IReadOnlyList<NodeAssignment> nodes, IProgress<ConvergeStep>? progress, CancellationToken cancellationToken)
    {
        var duplicate = nodes.GroupBy(node => node.NodeName, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw GridSpanException.Failed($"node '{duplicate.Key}' is listed twice", "this is a bug in GridSpan; please report it");
        }
        var clock = Stopwatch.StartNew();
        var reports = new ConcurrentDictionary<string, ConvergeReport>(StringComparer.Ordinal);
        var failures = new ConcurrentDictionary<string, NodeFailure>(StringComparer.Ordinal);
        var jumpFailures = await ConnectJumpHostsAsync(nodes, cancellationToken).ConfigureAwait(false);

        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(nodes, options, async (node, token) =>
        {
            var step = ConvergeStepKind.Connect;
            try
            {
                if (node.Target.Jump is { } jump && jumpFailures.TryGetValue(jump.NodeName, out var jumpFailure))
                {
                    throw GridSpanException.Failed(
                        $"node '{node.NodeName}' is reached through '{jump.NodeName}', which is unreachable: {jumpFailure.Message}", jumpFailure.Fix);
                }
                progress?.Report(new ConvergeStep(node.NodeName, step, ConvergeStepStatus.Running, "connecting to " + node.Target.Address));
                var session = await _connector.ConnectAsync(node.Target, ConnectWait, token).ConfigureAwait(false);
                progress?.Report(new ConvergeStep(node.NodeName, step, ConvergeStepStatus.Unchanged, "connected"));
                step = ConvergeStepKind.Inspect; // from here the converger reports its own steps, failures included
                var report = await _converger.ConvergeAsync(node.Bundle, session, progress, token).ConfigureAwait(false);
                reports[node.NodeName] = report;
                progress?.Report(new ConvergeStep(node.NodeName, ConvergeStepKind.Done,
                    report.Changed ? ConvergeStepStatus.Changed : ConvergeStepStatus.Unchanged, Summarize(report)));
            }
            catch (GridSpanException failure)
            {
                if (step == ConvergeStepKind.Connect)
                {
                    progress?.Report(new ConvergeStep(node.NodeName, step, ConvergeStepStatus.Failed, failure.Message));
                }
                failures[node.NodeName] = new NodeFailure(node.NodeName, failure.Message, failure.Fix, failure.IsTransient);
                progress?.Report(new ConvergeStep(node.NodeName, ConvergeStepKind.Done, ConvergeStepStatus.Failed, failure.Message));
            }
        }).ConfigureAwait(false);

        var order = nodes.Select((node, index) => (node.NodeName, index)).ToDictionary(entry => entry.NodeName, entry => entry.index, StringComparer.Ordinal);
        return new ClusterConvergeResult(
            [.. reports.Values.OrderBy(report => order[report.NodeName])],
            [.. failures.Values.OrderBy(failure => order[failure.NodeName])],
            clock.Elapsed);
    }

    /// <summary>"2 packages, 3 files, 1 restart" or "no change".</summary>
    public static string Summarize(ConvergeReport report)
    {
        var parts = new List<string>();
        void Count(int count, string one, string many)
        {
            if (count > 0)
            {
                parts.Add(count == 1 ? $"1 {one}" : $"{count} {many}");
            }
        }
        Count(report.PackagesInstalled.Length, "package installed", "packages installed");
        Count(report.FilesWritten.Length, "file written", "files written");
        Count(report.UnitsEnabled.Length, "unit enabled", "units enabled");
        Count(report.UnitsRestarted.Length, "unit restarted", "units restarted");
        Count(report.UnitsStarted.Length, "unit started", "units started");
        return parts.Count == 0 ? "no change" : string.Join(", ", parts);
    }

    /// <summary>Connects each distinct jump host once, before the nodes behind it try to share its connection.</summary>
    private async Task<ImmutableDictionary<string, GridSpanException>> ConnectJumpHostsAsync(IReadOnlyList<NodeAssignment> nodes, CancellationToken cancellationToken)
    {
        var jumps = nodes.Select(node => node.Target.Jump).OfType<SshTarget>()
            .GroupBy(jump => jump.NodeName, StringComparer.Ordinal).Select(group => group.First()).ToList();
        var failures = new ConcurrentDictionary<string, GridSpanException>(StringComparer.Ordinal);
        await Task.WhenAll(jumps.Select(async jump =>
        {
            try
            {
                await _connector.ConnectAsync(jump, ConnectWait, cancellationToken).ConfigureAwait(false);
            }
            catch (GridSpanException failure)
            {
                failures[jump.NodeName] = failure;
            }
        })).ConfigureAwait(false);
        return failures.ToImmutableDictionary(StringComparer.Ordinal);
    }
}
