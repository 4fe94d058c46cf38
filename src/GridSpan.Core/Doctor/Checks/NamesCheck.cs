using System.Net;
using GridSpan.Common.Quoting;
using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// Every node resolves the cluster's names to the planned addresses and the addresses back to the names
/// (forward and reverse, through /etc/hosts and the master's DNS as the node's resolver does), and its
/// /etc/hosts names no cluster node at another address. Large clusters are sampled: every node asks for
/// the master, the VPN nodes, itself and up to <see cref="Sample"/> other nodes.
/// </summary>
public sealed class NamesCheck : IDoctorCheck
{
    public const int Sample = 32;

    public string Name => "names";

    public string Description => "every node resolves every node, forward and reverse; /etc/hosts agrees with DNS";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        return DoctorContext.ForEachAsync(context.Nodes, async (node, token) =>
        {
            var names = NamesToAsk(plan, node);
            var result = await context.RunAsync(node.Name, Script(names), token).ConfigureAwait(false);
            return [Judge(node.Name, names, result.StandardOutput)];
        }, cancellationToken);
    }

    /// <summary>The nodes one node asks about: the master, VPN nodes, itself, and a spread of the others.</summary>
    public static IReadOnlyList<NodePlan> NamesToAsk(ClusterPlan plan, NodePlan node)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        var always = plan.Nodes.Where(n => n.Role != NodeRole.Worker || n.Name == node.Name).ToList();
        var others = plan.Nodes.Where(n => n.Role == NodeRole.Worker && n.Name != node.Name).ToList();
        var step = Math.Max(1, others.Count / Sample);
        return [.. always, .. others.Where((_, i) => i % step == 0).Take(Sample)];
    }

    /// <summary>For each node: "F name answer", "R address answer"; then /etc/hosts as "H line".</summary>
    public static string Script(IEnumerable<NodePlan> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var lines = nodes.SelectMany(n => new[]
        {
            $"echo \"F {n.Name} $(getent ahostsv4 {ShellQuote.Quote(n.Name)} | awk 'NR==1 {{print $1}}')\"",
            $"echo \"R {n.ClusterAddress} $(getent hosts {n.ClusterAddress} | awk 'NR==1 {{print $2}}')\"",
        });
        return string.Join('\n', lines) + "\nsed -n 's/^/H /p' /etc/hosts\n";
    }

    public static DoctorFinding Judge(string subject, IReadOnlyList<NodePlan> asked, string output)
    {
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(output);
        var forward = new Dictionary<string, string>(StringComparer.Ordinal);
        var reverse = new Dictionary<string, string>(StringComparer.Ordinal);
        var hosts = new List<string[]>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts[0])
            {
                case "F" when parts.Length >= 2:
                    forward[parts[1]] = parts.Length > 2 ? parts[2] : "";
                    break;
                case "R" when parts.Length >= 2:
                    reverse[parts[1]] = parts.Length > 2 ? parts[2] : "";
                    break;
                case "H" when parts.Length >= 3 && !parts[1].StartsWith('#'):
                    hosts.Add(parts[1..]);
                    break;
            }
        }
        var wrong = new List<string>();
        foreach (var node in asked)
        {
            var address = node.ClusterAddress.ToString();
            var answer = forward.GetValueOrDefault(node.Name, "");
            if (answer != address)
            {
                wrong.Add(answer.Length == 0 ? $"{node.Name} does not resolve" : $"{node.Name} resolves to {answer}, planned {address}");
            }
            var name = reverse.GetValueOrDefault(address, "");
            if (name.Split('.')[0] != node.Name)
            {
                wrong.Add(name.Length == 0 ? $"{address} has no name" : $"{address} is named {name}, planned {node.Name}");
            }
        }
        var planned = asked.ToDictionary(n => n.Name, n => n.ClusterAddress, StringComparer.Ordinal);
        foreach (var entry in hosts)
        {
            if (!IPAddress.TryParse(entry[0], out var address))
            {
                continue;
            }
            foreach (var name in entry.Skip(1).Select(n => n.Split('.')[0]).Distinct(StringComparer.Ordinal))
            {
                if (planned.TryGetValue(name, out var expected) && !expected.Equals(address))
                {
                    wrong.Add($"/etc/hosts names {name} at {address}, DNS at {expected}");
                }
            }
        }
        return wrong.Count == 0
            ? DoctorFinding.Pass("names", subject, $"{asked.Count} node(s) resolve to their planned addresses and back")
            : DoctorFinding.Fail("names", subject, string.Join("; ", wrong.Take(5)) + (wrong.Count > 5 ? $"; and {wrong.Count - 5} more" : ""),
                "the master's dnsmasq answers for the cluster: check `systemctl status dnsmasq` on the master and /etc/resolv.conf on the node; " +
                "remove stale lines from /etc/hosts; `gridspan create` again rewrites both");
    }
}
