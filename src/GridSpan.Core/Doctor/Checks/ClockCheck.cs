using System.Globalization;

namespace GridSpan.Doctor.Checks;

/// <summary>
/// Nodes' clocks agree with the master's to within <see cref="ToleratedSeconds"/>: Slurm's and munge's
/// credentials carry times, and skew shows up as rejected credentials and odd job times. Each clock is read
/// over SSH and compared with this machine's at the middle of the round trip; half the round trip is the
/// reading's uncertainty, which the tolerance is widened by.
/// </summary>
public sealed class ClockCheck : IDoctorCheck
{
    public const double ToleratedSeconds = 1.0;

    public string Name => "clock";

    public string Description => $"every node's clock is within {ToleratedSeconds:0.#} s of the master's";

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var master = context.Plan.Master;
        if (!context.IsReachable(master))
        {
            return [];
        }
        var readings = new Dictionary<string, (double Offset, double Uncertainty)>(StringComparer.Ordinal);
        var failures = await DoctorContext.ForEachAsync(context.Nodes, async (node, token) =>
        {
            var before = DateTimeOffset.UtcNow;
            var result = await context.RunAsync(node.Name, "date +%s.%N", token).ConfigureAwait(false);
            var after = DateTimeOffset.UtcNow;
            if (!result.Succeeded || !double.TryParse(result.StandardOutput.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var remote))
            {
                return [DoctorFinding.Fail(Name, node.Name, $"`date +%s.%N` answered {result.StandardOutput.Trim()} {result.StandardError.Trim()}", "check the node's date(1)")];
            }
            var middle = (before.ToUnixTimeMilliseconds() + after.ToUnixTimeMilliseconds()) / 2000.0;
            lock (readings)
            {
                readings[node.Name] = (remote - middle, (after - before).TotalSeconds / 2);
            }
            return Array.Empty<DoctorFinding>();
        }, cancellationToken).ConfigureAwait(false);
        if (!readings.TryGetValue(master, out var reference))
        {
            return failures;
        }
        var findings = new List<DoctorFinding>(failures);
        foreach (var node in context.Nodes.Where(n => n.Name != master && readings.ContainsKey(n.Name)))
        {
            var (offset, uncertainty) = readings[node.Name];
            var skew = offset - reference.Offset;
            var margin = uncertainty + reference.Uncertainty;
            var evidence = string.Create(CultureInfo.InvariantCulture, $"{skew:+0.000;-0.000} s against the master (± {margin:0.000} s)");
            findings.Add(Math.Abs(skew) <= ToleratedSeconds + margin
                ? DoctorFinding.Pass(Name, node.Name, evidence)
                : DoctorFinding.Fail(Name, node.Name, evidence,
                    "synchronise the clocks: run an NTP client (systemd-timesyncd or chrony) on the node and the master"));
        }
        return findings;
    }
}
