namespace GridSpan.Doctor.Checks;

/// <summary>
/// Firewall rules or policies on a node that drop or reject traffic: nftables, iptables, and ebtables on
/// bridges. GridSpan's nodes filter nothing themselves (the clouds' security groups do), so any such rule
/// is someone else's and may be what blocks the cluster. Tables named <see cref="OwnTablePrefix"/>... are
/// GridSpan's own: the local cloud enforces its security groups with one inside each container, whose
/// effect the ports check tests.
/// </summary>
public sealed class FirewallCheck : IDoctorCheck
{
    public const string OwnTablePrefix = "gridspan_";

    /// <summary>Prints each tool's rules that drop or reject, prefixed with the tool's name (and nftables' table), and GridSpan's own tables as "own:".</summary>
    public const string Script =
        "if command -v nft >/dev/null 2>&1; then nft list tables 2>/dev/null | while read -r _ family table; do case \"$table\" in " + OwnTablePrefix + "*) echo \"own: $family $table\";; " +
        "*) nft list table \"$family\" \"$table\" 2>/dev/null | grep -Ei 'policy (drop|reject)|(^|[[:space:]])(drop|reject)([[:space:]]|;|$)' | sed \"s/^[[:space:]]*/nft $family $table: /\";; esac; done; fi\n" +
        "if command -v iptables-legacy >/dev/null 2>&1; then iptables-legacy -S 2>/dev/null | grep -E '^-P [A-Z]+ DROP|-j (DROP|REJECT)' | sed 's/^/iptables-legacy: /'; fi\n" +
        "if command -v ebtables >/dev/null 2>&1; then ebtables -L 2>/dev/null | grep -Ei 'policy: DROP|-j DROP' | sed 's/^/ebtables: /'; fi\n" +
        "tools=''; for t in nft iptables-legacy ebtables; do command -v $t >/dev/null 2>&1 && tools=\"$tools $t\"; done; echo \"tools:$tools\"\n";

    public string Name => "firewall";

    public string Description => "no nftables, iptables or ebtables rule or policy drops traffic";

    public Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DoctorContext.ForEachAsync(context.Nodes, async (node, token) =>
        {
            var result = await context.RunAsync(node.Name, Script, token).ConfigureAwait(false);
            return [Judge(node.Name, result.StandardOutput)];
        }, cancellationToken);
    }

    /// <summary>The finding for one node from the script's output.</summary>
    public static DoctorFinding Judge(string node, string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tools = lines.FirstOrDefault(l => l.StartsWith("tools:", StringComparison.Ordinal))?["tools:".Length..].Trim() ?? "";
        var own = lines.Where(l => l.StartsWith("own:", StringComparison.Ordinal)).Select(l => l["own:".Length..].Trim()).ToList();
        var dropping = lines.Where(l => !l.StartsWith("tools:", StringComparison.Ordinal) && !l.StartsWith("own:", StringComparison.Ordinal)).ToList();
        if (dropping.Count == 0)
        {
            var skipped = own.Count == 0 ? "" : $"; GridSpan's own {string.Join(", ", own)} is the cloud's security group (the ports check tests it)";
            return DoctorFinding.Pass("firewall", node, (tools.Length == 0
                ? "no firewall tool is installed (nft, iptables-legacy, ebtables)"
                : $"no rule or policy drops or rejects ({tools.Replace(" ", ", ", StringComparison.Ordinal)} asked)") + skipped);
        }
        return DoctorFinding.Fail("firewall", node, string.Join("; ", dropping.Take(5)) + (dropping.Count > 5 ? $"; and {dropping.Count - 5} more" : ""),
            "remove the rules (or accept the cluster's ranges and ports before them): `nft list ruleset` shows them, " +
            "`nft delete table <family> <name>` removes a table; GridSpan's own filtering is the cloud's security groups");
    }
}
