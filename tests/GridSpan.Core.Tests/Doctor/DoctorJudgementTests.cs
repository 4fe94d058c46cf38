using GridSpan.Doctor.Checks;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Doctor;

/// <summary>How the doctor's checks read what nodes answer (the checks against live nodes are end-to-end tests).</summary>
public sealed class DoctorJudgementTests
{
    private static readonly ClusterPlan Plan = TestSpecs.Plan(TestSpecs.TwoSites());

    private static NodePlan Node(string name) => Plan.FindNode(name)!;

    [Fact]
    public void A_drop_rule_fails_the_firewall_check_and_quotes_the_rule()
    {
        var finding = FirewallCheck.Judge("demo-master", "nft: tcp dport 6818 drop\ntools: nft\n");

        Assert.False(finding.Passed);
        Assert.Equal("nft: tcp dport 6818 drop", finding.Evidence);
        Assert.Contains("nft delete table", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void No_dropping_rule_passes_and_says_which_tools_were_asked()
    {
        Assert.Equal("no rule or policy drops or rejects (nft, ebtables asked)", FirewallCheck.Judge("n", "tools: nft ebtables\n").Evidence);
        Assert.True(FirewallCheck.Judge("n", "tools:\n").Passed);
    }

    [Fact]
    public void GridSpans_own_security_group_table_is_named_but_not_a_failure()
    {
        var finding = FirewallCheck.Judge("n", "own: inet gridspan_security_group\ntools: nft\n");

        Assert.True(finding.Passed);
        Assert.EndsWith("GridSpan's own inet gridspan_security_group is the cloud's security group (the ports check tests it)", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vpn_node_that_does_not_forward_fails_and_a_worker_need_not_forward()
    {
        var gateway = SysctlCheck.Judge(Node("demo-hamburg-gw"), Plan, "forward=0\nbridges=\n").Single();
        Assert.False(gateway.Passed);
        Assert.Contains("net.ipv4.ip_forward = 0", gateway.Evidence, StringComparison.Ordinal);

        Assert.True(SysctlCheck.Judge(Node("demo-berlin-cpu-001"), Plan, "forward=0\nbridges=\n").Single().Passed);
    }

    [Fact]
    public void A_bridge_whose_packets_pass_through_iptables_fails_with_the_sysctl_to_set()
    {
        var finding = SysctlCheck.Judge(Node("demo-berlin-cpu-001"), Plan, "forward=0\nbridges=br0 \nbridge-nf-call-iptables=1\nbridge-nf-call-ip6tables=0\n").Single();

        Assert.False(finding.Passed);
        Assert.Equal("sysctl -w net.bridge.bridge-nf-call-iptables=0", finding.Fix);
    }

    [Fact]
    public void Names_pass_when_every_answer_is_the_plan_and_fail_naming_what_differs()
    {
        var asked = new[] { Node("demo-master"), Node("demo-berlin-cpu-001") };
        var good = "F demo-master 10.11.0.10\nR 10.11.0.10 demo-master.demo.gridspan\nF demo-berlin-cpu-001 10.11.0.11\nR 10.11.0.11 demo-berlin-cpu-001\n" +
                   "H 127.0.0.1 localhost\nH 10.11.0.10 demo-master.demo.gridspan demo-master\n";
        Assert.True(NamesCheck.Judge("n", asked, good).Passed);

        var bad = "F demo-master 10.11.0.10\nR 10.11.0.10 demo-master\nF demo-berlin-cpu-001 \nR 10.11.0.11 \nH 10.11.0.99 demo-master\n";
        var finding = NamesCheck.Judge("n", asked, bad);
        Assert.False(finding.Passed);
        Assert.Equal("demo-berlin-cpu-001 does not resolve; 10.11.0.11 has no name; /etc/hosts names demo-master at 10.11.0.99, DNS at 10.11.0.10", finding.Evidence);
    }

    [Fact]
    public void Large_clusters_are_sampled_but_the_master_vpn_nodes_and_the_node_itself_are_always_asked()
    {
        var big = TestSpecs.Plan(TestSpecs.Cluster("big", TestSpecs.Site("a", "10.11.0.0/22", 1500, master: true, TestSpecs.Group("cpu", 400)),
            TestSpecs.Site("b", "10.12.0.0/22", 1500, false, TestSpecs.Group("cpu", 400))));
        var self = big.Nodes.Last();

        var asked = NamesCheck.NamesToAsk(big, self);

        Assert.InRange(asked.Count, 3, 3 + NamesCheck.Sample);
        Assert.Contains(asked, n => n.Name == big.Master);
        Assert.Contains(asked, n => n.Name == self.Name);
        Assert.Equal(2, asked.Count(n => n.Role != NodeRole.Worker));
    }

    [Theory]
    [InlineData("idle", false, true)]
    [InlineData("mix", false, true)]
    [InlineData("idle*", false, false)]
    [InlineData("down", false, false)]
    [InlineData("drain", false, false)]
    [InlineData("idle~", true, true)]
    [InlineData("idle#", true, true)]
    [InlineData("idle~", false, false)]
    [InlineData("down~", true, false)]
    public void Slurm_states_that_are_usable(string state, bool onDemand, bool usable) =>
        Assert.Equal(usable, SlurmCheck.IsUsable(state, onDemand));

    [Fact]
    public void A_drained_node_fails_with_slurms_reason_and_a_node_slurmctld_does_not_know_fails_too()
    {
        var sinfo = "Slurmctld(primary) at demo-master is UP\n--\ndemo-berlin-cpu-001|drain|Kill task failed\ndemo-hamburg-cpu-001|idle|none\n";

        var findings = SlurmCheck.Judge(Plan, sinfo);

        Assert.True(findings[0].Passed);
        var drained = findings.Single(f => f.Subject == "demo-berlin-cpu-001");
        Assert.Equal((false, "state drain, reason: Kill task failed"), (drained.Passed, drained.Evidence));
        Assert.True(findings.Single(f => f.Subject == "demo-hamburg-cpu-001").Passed);
        Assert.False(findings.Single(f => f.Subject == "demo-berlin-big-001").Passed);
    }

    [Fact]
    public void A_slurmctld_that_does_not_answer_is_one_failure()
    {
        var finding = Assert.Single(SlurmCheck.Judge(Plan, "Slurmctld(primary) at demo-master is DOWN\n--\n"));
        Assert.False(finding.Passed);
        Assert.Contains("systemctl restart slurmctld", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_are_judged_one_by_one_from_the_probe_script()
    {
        var script = PortsCheck.ProbeScript([(System.Net.IPAddress.Parse("10.11.0.10"), 6817)]);
        Assert.Contains("/dev/tcp/10.11.0.10/6817", script, StringComparison.Ordinal);

        var findings = PortsCheck.Judge("a → b", "open 10.11.0.10 6817\nclosed 10.11.0.10 22\n", [("slurmctld", 6817), ("sshd", 22), ("nfs", 2049)]).ToList();

        Assert.Equal([true, false, false], findings.Select(f => f.Passed));
        Assert.Equal("sshd (tcp 22) does not answer within 3 s", findings[1].Evidence);
        Assert.StartsWith("nfs (tcp 2049) was not probed", findings[2].Evidence, StringComparison.Ordinal);
    }
}
