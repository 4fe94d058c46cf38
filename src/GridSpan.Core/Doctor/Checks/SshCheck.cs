using GridSpan.Common.Quoting;
using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// The cluster user logs in without a password from node to node, as MPI launchers and users do: every
/// node to the master, and each node to the next one in the plan's order (so every node is also a
/// target once), checking the target's host certificate (BatchMode: no prompt, no password).
/// </summary>
public sealed class SshCheck : IDoctorCheck
{
    public string Name => "ssh";

    public string Description => "the cluster user logs in without a password: every node to the master, and node to node";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        var nodes = context.Nodes;
        var pairs = new List<(NodePlan From, NodePlan To)>();
        for (var i = 0; i < nodes.Length; i++)
        {
            var next = nodes[(i + 1) % nodes.Length];
            if (nodes[i].Name != plan.Master && context.IsReachable(plan.Master))
            {
                pairs.Add((nodes[i], plan.MasterNode));
            }
            if (next.Name != nodes[i].Name && next.Name != plan.Master)
            {
                pairs.Add((nodes[i], next));
            }
        }
        return DoctorContext.ForEachAsync(pairs, async (pair, token) =>
        {
            var login = $"ssh -o BatchMode=yes -o ConnectTimeout=5 {ShellQuote.Quote(pair.To.Name)} hostname";
            var command = $"runuser -u {ShellQuote.Quote(plan.User)} -- {login} 2>&1";
            var result = await context.RunAsync(pair.From.Name, command, token).ConfigureAwait(false);
            var answer = result.StandardOutput.Trim();
            var subject = $"{pair.From.Name} → {pair.To.Name}";
            return [result.Succeeded && answer.Split('.')[0] == pair.To.Name
                ? DoctorFinding.Pass(Name, subject, $"{plan.User}: `{login}` answered {answer}")
                : DoctorFinding.Fail(Name, subject, $"{plan.User}: `{login}` failed (exit code {result.ExitCode}): {answer}",
                    $"check ~{plan.User}/.ssh (id_ed25519, authorized_keys, mode 0700/0600) and /etc/ssh/ssh_known_hosts on {pair.From.Name}; " +
                    "`gridspan create` again rewrites them")];
        }, cancellationToken);
    }
}
