using System.Collections.Immutable;
using System.Xml.Linq;
using GridSpan.Cluster;
using GridSpan.Doctor;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Doctor;

public sealed class TopologyPictureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>The two sites; one on-demand node of berlin started and running a job, the others powered down.</summary>
    private static (ClusterPlan Plan, ClusterStatus Status) TwoSites()
    {
        var plan = TestSpecs.Plan(TestSpecs.TwoSites());
        var running = plan.Nodes.First(n => n.OnDemand).Name;
        var nodes = plan.Nodes.Select(node => new NodeStatus(
            node.Name,
            node.Role.ToString().ToLowerInvariant(),
            node.Site,
            node.OnDemand,
            node.Address.ToString(),
            node.Role is NodeRole.Master or NodeRole.Gateway ? "192.0.2." + (node.Role == NodeRole.Master ? 10 : 20) : null,
            node.OnDemand && node.Name != running ? "on demand" : "active",
            !node.RunsJobs ? null : node.Name == running ? "alloc" : node.OnDemand ? "idle~" : "idle",
            node.Name == plan.Sites[1].VpnNode ? [new VpnPeerStatus(plan.Master, 12)] : [])).ToImmutableArray();
        var status = new ClusterStatus(plan.Name, "c0ffee", plan.Master,
            [.. plan.Sites.Select(s => new SiteStatus(s.Name, s.Provider, s.Subnet.ToString(), s.Mtu, s.VpnNode))], nodes, []);
        return (plan, status);
    }

    private static string HamburgWorker(ClusterPlan plan) => plan.Nodes.First(n => n.Site == "hamburg" && n.Role == NodeRole.Worker && !n.OnDemand).Name;

    /// <summary>The firewall of hamburg's worker drops slurmd, so the master cannot reach it, and the tunnel fails the MTU check.</summary>
    private static DoctorReport Broken(ClusterPlan plan)
    {
        var worker = HamburgWorker(plan);
        var gateway = plan.Sites[1].VpnNode;
        return new DoctorReport(plan.Name,
        [
            DoctorFinding.Pass("reach", plan.Master, "logged in"),
            DoctorFinding.Fail("firewall", worker, "nft inet doctortest: tcp dport 6818 drop", "nft delete table inet doctortest"),
            DoctorFinding.Fail("mtu", $"{gateway} → {plan.Master}", "ping -M do -s 1392 failed: <message too long, mtu=1300> & \"more\"", "lower the site's MTU"),
            DoctorFinding.Fail("ports", $"{plan.Master} → {worker}", "slurmd (tcp 6818) does not answer within 3 s", "open tcp 6818"),
        ]);
    }

    private static string ClassOf(XDocument picture, string attribute, string value) =>
        picture.Descendants(Svg + "g").Single(g => (string?)g.Attribute(attribute) == value).Attribute("class")!.Value;

    [Fact]
    public void The_picture_of_two_sites_with_failures_matches_its_snapshot()
    {
        var (plan, status) = TwoSites();
        Snapshot.Match("picture/two-sites.svg", TopologyPicture.Svg(status, plan.Overlay, Broken(plan)));
    }

    [Fact]
    public void A_node_a_failing_check_names_is_failing_the_ends_of_a_failing_pair_are_suspect_and_a_failing_tunnel_is_red()
    {
        var (plan, status) = TwoSites();
        var picture = XDocument.Parse(TopologyPicture.Svg(status, plan.Overlay, Broken(plan)));

        Assert.Equal("node failing suspect", ClassOf(picture, "data-node", HamburgWorker(plan)));
        Assert.Equal("node healthy suspect", ClassOf(picture, "data-node", plan.Master));
        Assert.Equal("node healthy", ClassOf(picture, "data-node", plan.Nodes.First(n => n.Site == "berlin" && n.Role == NodeRole.Worker && !n.OnDemand).Name));
        Assert.Equal("node powered-down", ClassOf(picture, "data-node", plan.Nodes.Last(n => n.OnDemand).Name));
        Assert.Equal("link failing", ClassOf(picture, "data-link", $"{plan.Master} {plan.Sites[1].VpnNode}"));
        var findings = picture.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "finding").ToList();
        Assert.Equal(3, findings.Count);
        // A line longer than the picture is wide is cut; its tooltip keeps the whole evidence and the fix.
        Assert.EndsWith("…", findings[1].Nodes().OfType<XText>().First().Value, StringComparison.Ordinal);
        Assert.Equal("ping -M do -s 1392 failed: <message too long, mtu=1300> & \"more\"\nfix: lower the site's MTU", findings[1].Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Without_the_doctor_the_picture_shows_states_only_and_a_tunnel_with_a_recent_handshake_is_healthy()
    {
        var (plan, status) = TwoSites();
        var picture = XDocument.Parse(TopologyPicture.Svg(status, plan.Overlay, doctor: null));

        Assert.Equal("link", ClassOf(picture, "data-link", $"{plan.Master} {plan.Sites[1].VpnNode}"));
        Assert.Contains("handshake 12 s ago", picture.Descendants(Svg + "g").Single(g => g.Attribute("data-link") is not null).Value, StringComparison.Ordinal);
        Assert.Equal("node healthy", ClassOf(picture, "data-node", plan.Nodes.First(n => n.OnDemand).Name));
        Assert.DoesNotContain(picture.Descendants(Svg + "g"), g => g.Attribute("class")?.Value.Contains("failing", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_switched_cluster_shows_each_nodes_port_on_the_switch()
    {
        var plan = TestSpecs.Plan(TestSpecs.Switched());
        var status = new ClusterStatus(plan.Name, "c0ffee", plan.Master,
            [.. plan.Sites.Select(s => new SiteStatus(s.Name, s.Provider, s.Subnet.ToString(), s.Mtu, s.VpnNode))],
            [.. plan.Nodes.Select(n => new NodeStatus(n.Name, n.Role.ToString().ToLowerInvariant(), n.Site, n.OnDemand, n.Address.ToString(), null,
                "active", n.RunsJobs ? "idle" : null, []))], []);
        var picture = XDocument.Parse(TopologyPicture.Svg(status, plan.Overlay, doctor: null));

        foreach (var port in plan.Overlay.Switch!.Ports)
        {
            var node = picture.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-node") == port.Node);
            Assert.Contains($"port {port.Device}", node.Value, StringComparison.Ordinal);
        }
        Assert.Contains("vxlan overlay", picture.Descendants(Svg + "text").ElementAt(1).Value, StringComparison.Ordinal);
    }
}
