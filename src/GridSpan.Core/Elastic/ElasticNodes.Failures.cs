using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;

namespace GridSpan.Elastic;

public sealed partial class ElasticNodes
{
    /// <summary>Logs the whole failure, removes what the resume made, and sets the node down in Slurm with a short reason.</summary>
    private async Task ReportFailureAsync(NodePlan node, GridSpanException failure, CancellationToken cancellationToken)
    {
        cluster.Log.Write("resume", node.Name, $"failed: {failure.Message}" + (failure.Fix is null ? "" : $" (fix: {failure.Fix})"));
        ImmutableArray<CloudResource> deleted;
        try
        {
            deleted = await Lifecycle.RemoveAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (GridSpanException cleanup)
        {
            cluster.Log.Write("resume", node.Name, $"cleanup failed (reconcile retries it): {cleanup.Message}");
            deleted = [];
        }
        var reason = Reason(failure.Message);
        try
        {
            // Powered down first (Slurm stops waiting for it; its job goes back to the queue), then, once the
            // power-down started (which makes the node idle), down with the reason: `sinfo -R` shows it, and
            // `scontrol update state=resume` later makes it idle~, started on the next job.
            await cluster.Slurm.UpdateAsync(node.Name, "power_down_force", reason, cancellationToken).ConfigureAwait(false);
            var started = await cluster.Slurm.WaitPowerDownStartedAsync(node.Name, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            var down = await cluster.Slurm.UpdateAsync(node.Name, "down", reason, cancellationToken).ConfigureAwait(false);
            cluster.Log.Write("resume", node.Name, $"deleted {Listed(deleted)}; set down in Slurm: {reason}" +
                (started ? "" : "; Slurm had not started powering it down after 15 s, so its power-down may clear the reason") +
                (down.Succeeded ? "" : $"; scontrol: {down.StandardError.Trim()}"));
        }
        catch (GridSpanException slurm)
        {
            cluster.Log.Write("resume", node.Name, $"deleted {Listed(deleted)}; could not set it down in Slurm: {slurm.Message}");
        }
    }

    /// <summary>A Slurm reason: the first line of the message, short, as `sinfo -R` shows it.</summary>
    public static string Reason(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var first = message.Split('\n')[0].Replace('"', '\'').Trim();
        var text = $"{ReasonPrefix} {first}";
        return text.Length <= 200 ? text : text[..197] + "...";
    }
}
