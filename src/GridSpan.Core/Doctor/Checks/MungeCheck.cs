using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// A munge credential made on the master decodes on every node that runs Slurm: the same key everywhere,
/// munged running, clocks close enough. Without it slurmctld and slurmd reject each other.
/// </summary>
public sealed class MungeCheck : IDoctorCheck
{
    public string Name => "munge";

    public string Description => "a credential made on the master decodes on every node that runs Slurm";

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        if (!context.IsReachable(plan.Master))
        {
            return [];
        }
        var made = await context.RunAsync(plan.Master, "munge -n 2>&1", cancellationToken).ConfigureAwait(false);
        if (!made.Succeeded)
        {
            return [DoctorFinding.Fail(Name, plan.Master, $"`munge -n` failed: {made.StandardOutput.Trim()}",
                "start munge on the master: `systemctl restart munge`, then `journalctl -u munge`")];
        }
        var credential = made.StandardOutput.Trim() + "\n";
        var nodes = context.Nodes.Where(n => n.RunsJobs || n.Role == NodeRole.Master);
        return await DoctorContext.ForEachAsync(nodes, async (node, token) =>
        {
            var result = await context.RunAsync(node.Name, "unmunge 2>&1 | grep -E '^(STATUS|unmunge)' || true", token, credential).ConfigureAwait(false);
            var status = result.StandardOutput.Trim();
            return [status.StartsWith("STATUS:", StringComparison.Ordinal) && status.Contains("Success", StringComparison.Ordinal)
                ? DoctorFinding.Pass(Name, node.Name, $"the master's credential decodes: {status}")
                : DoctorFinding.Fail(Name, node.Name, $"the master's credential does not decode: {(status.Length == 0 ? result.StandardError.Trim() : status)}",
                    "munged must run on the node with the cluster's key: `systemctl restart munge`; compare `md5sum /etc/munge/munge.key` with the master's; " +
                    "`gridspan create` again reinstalls the key")];
        }, cancellationToken).ConfigureAwait(false);
    }
}
