using System.Globalization;
using System.Net;
using GridSpan.Common.Quoting;
using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// The cluster's TCP ports answer across the cluster: every node reaches slurmctld (6817) and SSH (22) on
/// the master, and the NFS server (2049) where shares use kernel NFS; the master reaches slurmd (6818) on
/// every node that runs jobs. srun's range (60001-63000) listens only while a job runs and is not probed;
/// the tunnels' UDP ports (WireGuard's, or IKE's) are proven by the tunnels being up (the vpn check).
/// </summary>
public sealed class PortsCheck : IDoctorCheck
{
    public string Name => "ports";

    public string Description => "slurmctld, sshd and NFS on the master from every node; slurmd on every worker from the master";

    /// <summary>A script printing "open ADDRESS PORT" or "closed ADDRESS PORT" for each target, each tried for up to 3 seconds.</summary>
    public static string ProbeScript(IEnumerable<(IPAddress Address, int Port)> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return string.Join('\n', targets.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"if timeout 3 bash -c 'exec 3<>/dev/tcp/{t.Address}/{t.Port}' 2>/dev/null; then echo open {t.Address} {t.Port}; else echo closed {t.Address} {t.Port}; fi"))) + "\n";
    }

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = context.Plan;
        var master = plan.MasterNode;
        var toMaster = new List<(string Service, int Port)> { ("slurmctld", 6817), ("sshd", 22) };
        var findings = new List<DoctorFinding>();
        var others = context.Nodes.Where(n => n.Name != master.Name).ToList();
        findings.AddRange(await DoctorContext.ForEachAsync(others, async (node, token) =>
        {
            var ports = new List<(string Service, int Port)>(toMaster);
            if (await UsesKernelNfsAsync(context, node, token).ConfigureAwait(false))
            {
                ports.Add(("nfs", 2049));
            }
            var result = await context.RunAsync(node.Name, ProbeScript(ports.Select(p => (master.ClusterAddress, p.Port))), token).ConfigureAwait(false);
            return Judge($"{node.Name} → {master.Name}", result.StandardOutput, ports);
        }, cancellationToken).ConfigureAwait(false));
        if (context.IsReachable(master.Name))
        {
            var workers = plan.Nodes.Where(n => n.RunsJobs && n.Name != master.Name && context.IsReachable(n.Name)).ToList();
            var result = await context.RunAsync(master.Name, ProbeScript(workers.Select(w => (w.ClusterAddress, 6818))), cancellationToken).ConfigureAwait(false);
            foreach (var worker in workers)
            {
                findings.AddRange(Judge($"{master.Name} → {worker.Name}",
                    string.Join('\n', result.StandardOutput.Split('\n').Where(l => l.Contains($" {worker.ClusterAddress} ", StringComparison.Ordinal))), [("slurmd", 6818)]));
            }
        }
        return findings;
    }

    private static async Task<bool> UsesKernelNfsAsync(DoctorContext context, NodePlan node, CancellationToken cancellationToken)
    {
        if (context.Plan.Storage.Exports.Length == 0)
        {
            return false;
        }
        var result = await context.RunAsync(node.Name, $"findmnt -n -o FSTYPE -M {ShellQuote.Quote(context.Plan.Storage.Exports[0].Path)}", cancellationToken).ConfigureAwait(false);
        return result.StandardOutput.Trim().StartsWith("nfs", StringComparison.Ordinal);
    }

    public static IEnumerable<DoctorFinding> Judge(string subject, string output, IEnumerable<(string Service, int Port)> ports)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(ports);
        var open = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ')).Where(p => p.Length == 3).ToDictionary(p => p[2], p => p[0] == "open", StringComparer.Ordinal);
        foreach (var (service, port) in ports)
        {
            var key = port.ToString(CultureInfo.InvariantCulture);
            yield return open.GetValueOrDefault(key)
                ? DoctorFinding.Pass("ports", subject, $"{service} (tcp {port}) answers")
                : DoctorFinding.Fail("ports", subject, open.ContainsKey(key) ? $"{service} (tcp {port}) does not answer within 3 s" : $"{service} (tcp {port}) was not probed: {output.Trim()}",
                    $"check that {service} runs on the target (`systemctl status {ServiceUnit(service)}`) and that no firewall drops tcp {port} (the firewall check)");
        }
    }

    private static string ServiceUnit(string service) => service switch
    {
        "sshd" => "ssh",
        "nfs" => "nfs-server",
        _ => service,
    };
}
