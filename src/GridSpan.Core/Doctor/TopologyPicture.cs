using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using GridSpan.Cluster;
using GridSpan.Plan;

namespace GridSpan.Doctor;

/// <summary>
/// Draws a cluster as an SVG picture: one column per site with its nodes (coloured by their server
/// and Slurm state), the overlay's links between the sites' VPN nodes as arcs above the columns, and
/// what the doctor found failing drawn in red on the nodes and links it names, listed underneath.
/// Every node and link carries data-node / data-link attributes and a tooltip with its details.
/// </summary>
public static class TopologyPicture
{
    private const int Margin = 24;
    private const int TitleHeight = 52;
    private const int SiteWidth = 320;
    private const int SiteGap = 56;
    private const int SiteHeaderHeight = 52;
    private const int NodeRowHeight = 46;
    private const int NodeHeight = 40;
    private const int NodeInset = 12;
    private const int ArcStep = 34;
    private const int ArcLabelHeight = 22;
    private const int FindingLineHeight = 18;
    private const int MostFindingsListed = 25;
    /// <summary>The width of a character of the findings' text, about, to cut lines that would leave the picture.</summary>
    private const int CharacterWidth = 7;

    public const string Healthy = "#2e7d32";
    public const string Waiting = "#f9a825";
    public const string PoweredDown = "#9e9e9e";
    public const string Failing = "#c62828";

    /// <param name="doctor">The doctor's report to mark failures with, or null to draw the states only.</param>
    public static string Svg(ClusterStatus status, OverlayPlan overlay, DoctorReport? doctor)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(overlay);
        var failures = doctor?.Failures ?? [];
        var columnOf = status.Sites.Select((site, index) => (site.Name, index)).ToDictionary(p => p.Name, p => p.index, StringComparer.Ordinal);
        var nodesOf = status.Nodes.GroupBy(n => n.Site, StringComparer.Ordinal).ToDictionary(g => g.Key, g => OrderInSite(g, status), StringComparer.Ordinal);
        var portOf = overlay.Switch?.Ports.ToDictionary(p => p.Node, p => p.Device, StringComparer.Ordinal) ?? [];
        var links = overlay.Links.Where(l => columnOf.ContainsKey(SiteOf(status, l.From)) && columnOf.ContainsKey(SiteOf(status, l.To))).ToList();
        var widestSpan = links.Count == 0 ? 0 : links.Max(l => Math.Abs(columnOf[SiteOf(status, l.From)] - columnOf[SiteOf(status, l.To)]));
        var arcSpace = links.Count == 0 ? 0 : (ArcStep * (widestSpan + 1)) + ArcLabelHeight;
        var sitesTop = Margin + TitleHeight + arcSpace;
        var tallestSite = status.Sites.Length == 0 ? 0 : status.Sites.Max(s => nodesOf.GetValueOrDefault(s.Name, []).Length);
        var sitesBottom = sitesTop + SiteHeaderHeight + (tallestSite * NodeRowHeight) + NodeInset;
        var listed = Math.Min(failures.Length, MostFindingsListed) + (failures.Length > MostFindingsListed ? 1 : 0);
        var width = (2 * Margin) + Math.Max(1, status.Sites.Length) * SiteWidth + Math.Max(0, status.Sites.Length - 1) * SiteGap;
        var height = sitesBottom + 28 + ((listed + 2) * FindingLineHeight) + 28 + Margin;

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" "))
            .Append("font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n")
            .Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"));
        var verdict = doctor is null ? "doctor not run"
            : doctor.Passed ? $"doctor: every check passed ({doctor.Findings.Length} findings)"
            : $"doctor: {failures.Length} of {doctor.Findings.Length} findings failed";
        svg.Append(Invariant($"<text x=\"{Margin}\" y=\"{Margin + 18}\" font-size=\"18\" font-weight=\"bold\">Cluster {Escape(status.Name)}</text>\n"))
            .Append(Invariant($"<text x=\"{Margin}\" y=\"{Margin + 38}\" fill=\"{(failures.Length > 0 ? Failing : "#424242")}\">"))
            .Append(Escape($"{overlay.Kind.ToString().ToLowerInvariant()} overlay · master {status.Master} · {status.Nodes.Length} nodes in {status.Sites.Length} sites · {verdict}"))
            .Append("</text>\n");

        foreach (var link in links)
        {
            DrawLink(svg, status, link, columnOf, sitesTop, failures);
        }
        foreach (var site in status.Sites)
        {
            DrawSite(svg, site, nodesOf.GetValueOrDefault(site.Name, []), ColumnLeft(columnOf[site.Name]), sitesTop, tallestSite, portOf,
                [.. failures.Where(f => !links.Any(l => Names(f.Subject, l.From, l.To)))]);
        }
        DrawFindings(svg, doctor, failures, sitesBottom + 28, (width - (2 * Margin)) / CharacterWidth);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The VPN node first, then the master, then the rest by name.</summary>
    private static ImmutableArray<NodeStatus> OrderInSite(IEnumerable<NodeStatus> nodes, ClusterStatus status)
    {
        var vpnNodes = status.Sites.Select(s => s.VpnNode).ToHashSet(StringComparer.Ordinal);
        return [.. nodes.OrderBy(n => vpnNodes.Contains(n.Name) ? 0 : n.Name == status.Master ? 1 : 2).ThenBy(n => n.Name, StringComparer.Ordinal)];
    }

    private static string SiteOf(ClusterStatus status, string node) => status.Nodes.FirstOrDefault(n => n.Name == node)?.Site ?? "";

    private static int ColumnLeft(int column) => Margin + (column * (SiteWidth + SiteGap));

    private static void DrawLink(StringBuilder svg, ClusterStatus status, OverlayLink link, Dictionary<string, int> columnOf, int sitesTop,
        ImmutableArray<DoctorFinding> failures)
    {
        var from = columnOf[SiteOf(status, link.From)];
        var to = columnOf[SiteOf(status, link.To)];
        // Each end leaves its column towards the other, so the arcs of one site do not start on one point.
        var x1 = ColumnLeft(from) + (SiteWidth / 2) + (Math.Sign(to - from) * 40);
        var x2 = ColumnLeft(to) + (SiteWidth / 2) + (Math.Sign(from - to) * 40);
        var lift = ArcStep * (Math.Abs(to - from) + 1);
        var named = failures.Where(f => Names(f.Subject, link.From, link.To)).ToList();
        var handshake = Handshake(status, link.From, link.To) ?? Handshake(status, link.To, link.From);
        var state = handshake is null ? "" : handshake.HandshakeAgeSeconds is { } age ? Invariant($" · handshake {age} s ago") : " · no handshake";
        var colour = named.Count > 0 ? Failing : handshake is { HandshakeAgeSeconds: null } ? Waiting : Healthy;
        var label = Invariant($"MTU {link.Mtu}{state}");
        svg.Append(Invariant($"<g class=\"link{(named.Count > 0 ? " failing" : "")}\" data-link=\"{Escape(link.From)} {Escape(link.To)}\">"))
            .Append("<title>").Append(Escape(Tooltip($"{link.From} ↔ {link.To}: {label}", named))).Append("</title>")
            .Append(Invariant($"<path d=\"M {x1} {sitesTop} C {x1} {sitesTop - (lift * 4 / 3)} {x2} {sitesTop - (lift * 4 / 3)} {x2} {sitesTop}\" "))
            .Append(Invariant($"fill=\"none\" stroke=\"{colour}\" stroke-width=\"{(named.Count > 0 ? 4 : 3)}\"/>"))
            .Append(Invariant($"<text x=\"{(x1 + x2) / 2}\" y=\"{sitesTop - lift - 6}\" text-anchor=\"middle\" fill=\"{colour}\">{Escape(label)}</text>"))
            .Append("</g>\n");
    }

    private static VpnPeerStatus? Handshake(ClusterStatus status, string node, string peer) =>
        status.Nodes.FirstOrDefault(n => n.Name == node)?.Vpn.FirstOrDefault(p => p.Peer == peer);

    private static void DrawSite(StringBuilder svg, SiteStatus site, ImmutableArray<NodeStatus> nodes, int left, int top, int tallestSite,
        Dictionary<string, string> portOf, ImmutableArray<DoctorFinding> failures)
    {
        var height = SiteHeaderHeight + (tallestSite * NodeRowHeight) + NodeInset;
        svg.Append(Invariant($"<g class=\"site\" data-site=\"{Escape(site.Name)}\">"))
            .Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{SiteWidth}\" height=\"{height}\" rx=\"10\" fill=\"#f5f8fc\" stroke=\"#90a4ae\" stroke-width=\"1.5\"/>"))
            .Append(Invariant($"<text x=\"{left + NodeInset}\" y=\"{top + 20}\" font-size=\"14\" font-weight=\"bold\">{Escape(site.Name)}</text>"))
            .Append(Invariant($"<text x=\"{left + NodeInset}\" y=\"{top + 38}\" fill=\"#546e7a\">"))
            .Append(Escape(Invariant($"{site.Provider} · {site.Subnet} · MTU {site.Mtu}")))
            .Append("</text></g>\n");
        for (var row = 0; row < nodes.Length; row++)
        {
            DrawNode(svg, nodes[row], site, left + NodeInset, top + SiteHeaderHeight + (row * NodeRowHeight), portOf, failures);
        }
    }

    /// <param name="portOf">Each node's port device on the vxlan switch (empty under another overlay), looked up once per picture.</param>
    private static void DrawNode(StringBuilder svg, NodeStatus node, SiteStatus site, int left, int top, Dictionary<string, string> portOf,
        ImmutableArray<DoctorFinding> failures)
    {
        var own = failures.Where(f => f.Subject == node.Name).ToList();
        var suspect = failures.Where(f => f.Subject != node.Name && Names(f.Subject, node.Name)).ToList();
        var poweredDown = node.Server == "on demand" || node.Slurm?.EndsWith('~') == true;
        var ready = node.Server == "active" && (node.Slurm is null || SlurmStates.IsReady(node.Slurm));
        var (stroke, fill, state) = own.Count > 0 ? (Failing, "#ffebee", "failing")
            : poweredDown ? (PoweredDown, "#fafafa", "powered-down")
            : ready ? (Healthy, "#e8f5e9", "healthy")
            : (Waiting, "#fff8e1", "waiting");
        var dash = suspect.Count > 0 && own.Count == 0 ? $" stroke-dasharray=\"6 3\"" : poweredDown ? " stroke-dasharray=\"3 3\"" : "";
        var strokeColour = suspect.Count > 0 && own.Count == 0 ? Failing : stroke;
        var width = SiteWidth - (2 * NodeInset);
        var role = node.Name == site.VpnNode && node.Role != "switch" ? $"{node.Role}, VPN" : node.Role;
        var port = portOf.TryGetValue(node.Name, out var device) ? $" · port {device}" : "";
        var details = $"{role} · {node.Address} · {node.Slurm ?? node.Server}{port}";
        svg.Append(Invariant($"<g class=\"node {state}{(suspect.Count > 0 ? " suspect" : "")}\" data-node=\"{Escape(node.Name)}\">"))
            .Append("<title>").Append(Escape(Tooltip(
                $"{node.Name} ({role}{(node.OnDemand ? ", on demand" : "")}): server {node.Server}, Slurm {node.Slurm ?? "-"}, address {node.Address}" +
                (node.PublicAddress is { } publicAddress ? $", public {publicAddress}" : ""), [.. own, .. suspect]))).Append("</title>")
            .Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{width}\" height=\"{NodeHeight}\" rx=\"5\" fill=\"{fill}\" stroke=\"{strokeColour}\" "))
            .Append(Invariant($"stroke-width=\"{(own.Count > 0 || suspect.Count > 0 ? 3 : 1.5)}\"{dash}/>"))
            .Append(Invariant($"<text x=\"{left + 8}\" y=\"{top + 16}\" font-weight=\"bold\">{Escape(node.Name)}</text>"))
            .Append(Invariant($"<text x=\"{left + 8}\" y=\"{top + 32}\" font-size=\"11\" fill=\"#37474f\">{Escape(details)}</text>"))
            .Append("</g>\n");
    }

    private static void DrawFindings(StringBuilder svg, DoctorReport? doctor, ImmutableArray<DoctorFinding> failures, int top, int longestLine)
    {
        var heading = doctor is null ? "Doctor not run: states only (run with the doctor to mark what fails)"
            : failures.Length == 0 ? "Doctor: nothing failed"
            : $"Doctor: {failures.Length} failing";
        svg.Append(Invariant($"<text x=\"{Margin}\" y=\"{top}\" font-size=\"14\" font-weight=\"bold\" fill=\"{(failures.Length > 0 ? Failing : Healthy)}\">"))
            .Append(Escape(heading)).Append("</text>\n");
        var y = top;
        foreach (var failure in failures.Take(MostFindingsListed))
        {
            y += FindingLineHeight;
            svg.Append(Invariant($"<text class=\"finding\" x=\"{Margin}\" y=\"{y}\" fill=\"{Failing}\">"))
                .Append(Escape(Shorten($"✗ {failure.Check} · {failure.Subject}: {failure.Evidence}", longestLine)))
                .Append("<title>").Append(Escape($"{failure.Evidence}\nfix: {failure.Fix}")).Append("</title></text>\n");
        }
        if (failures.Length > MostFindingsListed)
        {
            y += FindingLineHeight;
            svg.Append(Invariant($"<text x=\"{Margin}\" y=\"{y}\" fill=\"{Failing}\">… and {failures.Length - MostFindingsListed} more: run gridspan doctor</text>\n"));
        }
        y += FindingLineHeight + 12;
        svg.Append(Invariant($"<text x=\"{Margin}\" y=\"{y}\" fill=\"#546e7a\">"))
            .Append(Escape("green: running and ready · amber: starting, down or drained · grey dashed: on demand, powered down"))
            .Append("</text>\n")
            .Append(Invariant($"<text x=\"{Margin}\" y=\"{y + FindingLineHeight}\" fill=\"#546e7a\">"))
            .Append(Escape("red: named by a failing check (dashed: one end of a failing pair of nodes)"))
            .Append("</text>\n");
    }

    /// <summary>Whether a finding's subject ("a", "a → b" or the cluster) names all of the given nodes.</summary>
    private static bool Names(string subject, params string[] nodes)
    {
        var ends = subject.Split(" → ", StringSplitOptions.TrimEntries);
        return nodes.All(node => ends.Contains(node, StringComparer.Ordinal));
    }

    private static string Tooltip(string summary, List<DoctorFinding> findings) =>
        findings.Count == 0 ? summary : summary + string.Concat(findings.Select(f => $"\n✗ {f.Check} {f.Subject}: {f.Evidence}"));

    private static string Shorten(string text, int longest) => text.Length <= longest ? text : string.Concat(text.AsSpan(0, longest - 1), "…");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Escapes text for XML content and attributes; drops the control characters XML 1.0 cannot carry.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var character in text)
        {
            _ = character switch
            {
                '&' => escaped.Append("&amp;"),
                '<' => escaped.Append("&lt;"),
                '>' => escaped.Append("&gt;"),
                '"' => escaped.Append("&quot;"),
                '\n' or '\t' => escaped.Append(character),
                _ when char.IsControl(character) => escaped,
                _ => escaped.Append(character),
            };
        }
        return escaped.ToString();
    }
}
