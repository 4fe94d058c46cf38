using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// slurmctld answers, and every node that runs jobs is registered and usable: always-on nodes idle,
/// allocated or mixed; on-demand nodes powered down, powering up or usable. A node DOWN, DRAINED or
/// FAILed is reported with the reason Slurm keeps for it (`sinfo -R`).
/// </summary>
public sealed class SlurmCheck : IDoctorCheck
{
    public const string Script = "scontrol ping 2>&1 | head -n 1; echo '--'; sinfo -h -N -o '%N|%t|%E' 2>&1";

    public string Name => "slurm";

    public string Description => "slurmctld answers; every node is registered and neither DOWN nor DRAINED";

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        if (!context.IsReachable(plan.Master))
        {
            return [];
        }
        var result = await context.RunAsync(plan.Master, Script, cancellationToken).ConfigureAwait(false);
        return Judge(plan, result.StandardOutput);
    }

    public static IReadOnlyList<DoctorFinding> Judge(ClusterPlan plan, string output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        var parts = output.Split("--", 2);
        var ping = parts[0].Trim();
        var findings = new List<DoctorFinding>();
        if (!ping.Contains("is UP", StringComparison.Ordinal))
        {
            return [DoctorFinding.Fail("slurm", plan.Master, $"`scontrol ping`: {ping}",
                "start slurmctld on the master: `systemctl restart slurmctld`, then `journalctl -u slurmctld`")];
        }
        findings.Add(DoctorFinding.Pass("slurm", plan.Master, $"`scontrol ping`: {ping}"));
        var states = new Dictionary<string, (string State, string Reason)>(StringComparer.Ordinal);
        foreach (var line in (parts.Length > 1 ? parts[1] : "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('|', 3);
            if (fields.Length == 3)
            {
                states[fields[0]] = (fields[1], fields[2]);
            }
        }
        foreach (var node in plan.Nodes.Where(n => n.RunsJobs))
        {
            if (!states.TryGetValue(node.Name, out var entry))
            {
                findings.Add(DoctorFinding.Fail("slurm", node.Name, "slurmctld does not know the node",
                    "the master's slurm.conf lacks it: run `gridspan create` again"));
                continue;
            }
            var (state, reason) = entry;
            var usable = IsUsable(state, node.OnDemand);
            var evidence = $"state {state}" + (reason is "none" or "" ? "" : $", reason: {reason}");
            findings.Add(usable
                ? DoctorFinding.Pass("slurm", node.Name, evidence)
                : DoctorFinding.Fail("slurm", node.Name, evidence,
                    state.EndsWith('*')
                        ? "slurmd does not answer: `systemctl status slurmd` on the node, then `scontrol update nodename=" + node.Name + " state=resume`"
                        : $"once the cause is fixed: `scontrol update nodename={node.Name} state=resume` on the master"));
        }
        return findings;
    }

    /// <summary>
    /// Usable: ready as create waits for it (<see cref="Cluster.SlurmStates.IsReady"/>) and answering (no '*').
    /// On-demand nodes may also be powered down ('~'), powering up ('#') or powering down ('%').
    /// </summary>
    public static bool IsUsable(string state, bool onDemand)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.EndsWith('*'))
        {
            return false;
        }
        var power = state.Length > 0 && state[^1] is '~' or '#' or '%' or '!';
        if (power && !onDemand)
        {
            return false;
        }
        return Cluster.SlurmStates.IsReady(power ? state[..^1] : state);
    }
}
