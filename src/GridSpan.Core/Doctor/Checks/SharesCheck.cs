using GridSpan.Common.Quoting;
using GridSpan.Plan;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// Every share of the cluster is mounted on every node but the master (which serves them), from the
/// master, and answers within 5 seconds (a hung NFS or sshfs mount blocks every job that touches it).
/// </summary>
public sealed class SharesCheck : IDoctorCheck
{
    public string Name => "shares";

    public string Description => "every share is mounted from the master on every other node and answers";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var exports = context.Plan.Storage.Exports.Select(e => e.Path).ToList();
        var nodes = context.Nodes.Where(n => n.Role is not (NodeRole.Master or NodeRole.Switch));
        var masterAddress = context.Plan.MasterNode.ClusterAddress.ToString();
        return DoctorContext.ForEachAsync(exports.Count == 0 ? [] : nodes, async (node, token) =>
        {
            var script = string.Join('\n', exports.Select(path =>
            {
                var quoted = ShellQuote.Quote(path);
                return $"m=$(findmnt -n -o FSTYPE,SOURCE -M {quoted}); if [ -z \"$m\" ]; then printf '%s|unmounted\\n' {quoted}; " +
                       $"elif timeout 5 stat -f {quoted} >/dev/null 2>&1; then printf '%s|ok %s\\n' {quoted} \"$m\"; else printf '%s|hung %s\\n' {quoted} \"$m\"; fi";
            })) + "\n";
            var result = await context.RunAsync(node.Name, script, token).ConfigureAwait(false);
            var answers = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split('|', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            return exports.Select(path =>
            {
                var answer = answers.GetValueOrDefault(path, "not checked");
                var subject = $"{node.Name}:{path}";
                var mounted = answer.StartsWith("ok ", StringComparison.Ordinal);
                return mounted && (answer.Contains(masterAddress, StringComparison.Ordinal) || answer.Contains(context.Plan.Master, StringComparison.Ordinal))
                    ? DoctorFinding.Pass(Name, subject, $"mounted: {answer[3..]}")
                    : DoctorFinding.Fail(Name, subject, mounted ? $"mounted from elsewhere: {answer[3..]}" : answer,
                        $"`systemctl status {Render.StorageRenderer.MountUnitName(path)}` on the node says why; check the master serves it (the ports check) and `gridspan create` again");
            });
        }, cancellationToken);
    }
}
