using System.Collections.Immutable;
using GridSpan.Common;

namespace GridSpan.Elastic;

/// <summary>One node as `scontrol show node -o` reports it: its state flags and reason.</summary>
public sealed record SlurmNode(string Name, ImmutableHashSet<string> State, string? Reason)
{
    public bool PoweredDown => State.Contains("POWERED_DOWN");

    public bool PoweringUp => State.Contains("POWERING_UP");

    public bool PoweringDown => State.Contains("POWERING_DOWN") || State.Contains("POWER_DOWN");

    public bool Down => State.Contains("DOWN");

    /// <summary>Slurm believes a server runs for it (or is being made for it).</summary>
    public bool WantsServer => !PoweredDown && !PoweringDown;

    /// <summary>Parses `scontrol show node -o` (one node per line, key=value words; Reason runs to the end of its value).</summary>
    public static ImmutableArray<SlurmNode> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var nodes = ImmutableArray.CreateBuilder<SlurmNode>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string? name = null;
            string? state = null;
            string? reason = null;
            var reasonAt = line.IndexOf(" Reason=", StringComparison.Ordinal);
            if (reasonAt >= 0)
            {
                reason = line[(reasonAt + 8)..];
                // Reason=text [user@time] is followed by other fields on some versions; keep the text only.
                var bracket = reason.IndexOf(" [", StringComparison.Ordinal);
                reason = bracket >= 0 ? reason[..bracket] : reason;
            }
            foreach (var word in (reasonAt >= 0 ? line[..reasonAt] : line).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.StartsWith("NodeName=", StringComparison.Ordinal))
                {
                    name = word[9..];
                }
                else if (word.StartsWith("State=", StringComparison.Ordinal))
                {
                    state = word[6..];
                }
            }
            if (name is not null && state is not null)
            {
                nodes.Add(new SlurmNode(name, [.. state.Split('+', StringSplitOptions.RemoveEmptyEntries).Select(s => s.TrimEnd('*', '~', '#', '%', '!'))],
                    string.IsNullOrWhiteSpace(reason) || reason == "(null)" ? null : reason.Trim()));
            }
        }
        return nodes.ToImmutable();
    }
}

/// <summary>slurmctld, through scontrol (the hooks run as SlurmUser, which may update nodes).</summary>
public sealed class SlurmControl(ICommandRunner runner)
{
    /// <summary>What every node reported by slurmctld is, by name.</summary>
    public async Task<ImmutableDictionary<string, SlurmNode>> NodesAsync(CancellationToken cancellationToken)
    {
        var result = await runner.RunCheckedAsync(CommandRequest.Of("scontrol", "show", "node", "-o") with { Timeout = TimeSpan.FromSeconds(30) },
            cancellationToken, "check that slurmctld runs on the master").ConfigureAwait(false);
        return SlurmNode.Parse(result.StandardOutput).ToImmutableDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// Waits until slurmctld's power thread (it runs every second) has acted on a requested power-down:
    /// the node is powering down or powered down, no longer only asked to. Until then a state set on the
    /// node is overwritten when the power-down starts (`idle_on_node_suspend` makes the node idle).
    /// False when that did not happen within <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitPowerDownStartedAsync(string node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        return await Wait.UntilAsync(async token =>
            (await NodesAsync(token).ConfigureAwait(false)).TryGetValue(node, out var seen)
                && !seen.State.Contains("POWER_DOWN") && (seen.PoweredDown || seen.State.Contains("POWERING_DOWN")),
            TimeSpan.FromMilliseconds(250), timeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>`scontrol update nodename=NODE state=STATE [reason=...]`.</summary>
    public Task<CommandResult> UpdateAsync(string node, string state, string? reason, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "update", $"nodename={node}", $"state={state}" };
        if (reason is not null)
        {
            arguments.Add($"reason={reason}");
        }
        return runner.RunAsync(new CommandRequest("scontrol", arguments) { Timeout = TimeSpan.FromSeconds(90) }, cancellationToken);
    }
}
