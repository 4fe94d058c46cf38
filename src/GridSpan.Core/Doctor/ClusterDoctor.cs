using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Doctor.Checks;

namespace GridSpan.Doctor;

/// <summary>
/// Runs the checklist against a live cluster: first whether each created node answers at all, then every
/// check on the nodes that did. The MTU check runs before the VPN check, so its packets renew idle tunnels.
/// </summary>
public static class ClusterDoctor
{
    /// <summary>The checks in the order they run.</summary>
    public static ImmutableArray<IDoctorCheck> Checks { get; } =
    [
        new FirewallCheck(),
        new SysctlCheck(),
        new PathMtuCheck(),
        new VpnCheck(),
        new VxlanCheck(),
        new PortsCheck(),
        new NamesCheck(),
        new SshCheck(),
        new MungeCheck(),
        new ClockCheck(),
        new SharesCheck(),
        new SlurmCheck(),
    ];

    /// <param name="progress">Told the name of each check as it starts.</param>
    public static async Task<DoctorReport> ExamineAsync(ClusterWorkspace cluster, Action<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var targets = cluster.Targets();
        var created = cluster.Plan.Nodes.Where(n => targets.ContainsKey(n.Name)).ToList();
        progress?.Invoke($"reach: logging in to {created.Count} node(s)");
        var findings = new List<DoctorFinding>();
        var probe = new DoctorContext(cluster, targets, [.. created]);
        var answers = await DoctorContext.ForEachAsync(created, async (node, token) =>
        {
            try
            {
                var result = await probe.RunAsync(node.Name, "hostname", token).ConfigureAwait(false);
                return [result.Succeeded
                    ? DoctorFinding.Pass("reach", node.Name, $"logged in; hostname {result.StandardOutput.Trim()}")
                    : DoctorFinding.Fail("reach", node.Name, $"logged in, but `hostname` failed (exit code {result.ExitCode}): {result.StandardError.Trim()}",
                        "look at the node's console; run `gridspan create` again to repair it")];
            }
            catch (GridSpanException failure)
            {
                return [DoctorFinding.Fail("reach", node.Name, failure.Message, failure.Fix ?? "check that the node runs and its site's VPN node is up (`gridspan status`)")];
            }
        }, cancellationToken).ConfigureAwait(false);
        findings.AddRange(answers);
        var answered = answers.Where(a => a.Passed).Select(a => a.Subject).ToHashSet(StringComparer.Ordinal);
        var context = new DoctorContext(cluster, targets, [.. created.Where(n => answered.Contains(n.Name))]);
        foreach (var check in Checks)
        {
            progress?.Invoke($"{check.Name}: {check.Description}");
            try
            {
                findings.AddRange(await check.RunAsync(context, cancellationToken).ConfigureAwait(false));
            }
            catch (GridSpanException failure)
            {
                findings.Add(DoctorFinding.Fail(check.Name, cluster.Plan.Name, $"the check could not run: {failure.Message}",
                    failure.Fix ?? "run `gridspan doctor` again; when it persists, run the check's commands by hand with `gridspan ssh`"));
            }
        }
        return new DoctorReport(cluster.Plan.Name, [.. findings]);
    }
}
