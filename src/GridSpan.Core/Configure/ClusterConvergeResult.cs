using System.Collections.Immutable;
using GridSpan.Common;

namespace GridSpan.Configure;

/// <summary>The outcome of configuring many nodes: a report for each node that converged, a failure for each that did not.</summary>
public sealed record ClusterConvergeResult(ImmutableArray<ConvergeReport> Reports, ImmutableArray<NodeFailure> Failures, TimeSpan Elapsed)
{
    /// <summary>True when any node changed; false means the cluster already equalled its bundles.</summary>
    public bool Changed => Reports.Any(report => report.Changed);

    public bool Succeeded => Failures.IsEmpty;

    /// <summary>Throws one error naming every failed node (each with its step and cause) unless all converged.</summary>
    public ClusterConvergeResult EnsureSuccess()
    {
        if (Failures.IsEmpty)
        {
            return this;
        }
        if (Failures.Length == 1)
        {
            throw Transient(GridSpanException.Failed(Failures[0].Message, Failures[0].Fix));
        }
        var fixes = Failures.Select(failure => failure.Fix).Where(fix => !string.IsNullOrWhiteSpace(fix)).Distinct(StringComparer.Ordinal).ToList();
        throw Transient(GridSpanException.Failed(
            $"{Failures.Length} of {Failures.Length + Reports.Length} nodes failed:\n" + string.Join('\n', Failures.Select(failure => "  - " + failure.Message)),
            fixes.Count == 0 ? null : string.Join("\n", fixes)));
    }

    /// <summary>The error may pass when tried again only when every node's failure may.</summary>
    private GridSpanException Transient(GridSpanException failure) =>
        Failures.All(f => f.IsTransient) ? failure.AsTransient() : failure;
}
