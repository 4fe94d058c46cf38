using GridSpan.Plan;

namespace GridSpan.Core.Tests.Config;

/// <summary>Every site's nodes fit its subnet, and a subnet is found for every site: refused at validate with a position (issue 10 item 10).</summary>
public sealed class CapacityRulesTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string OneSite(string subnet, int workers) => $$"""
        name: demo
        sites:
          - name: berlin
            provider: lab
            lab: { subnet: {{subnet}} }
            master: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: {{workers}} }
        """;

    [Theory]
    [InlineData("10.11.0.0/24", 300, "the subnet 10.11.0.0/24 of site 'berlin' has room for 244 nodes but the site has 301")]
    [InlineData("10.11.0.0/29", 5, "the subnet 10.11.0.0/29 of site 'berlin' has room for 0 nodes but the site has 6")]
    public void Workers_that_do_not_fit_the_given_subnet_are_refused_at_the_subnet(string subnet, int workers, string problem)
    {
        var error = _files.LoadOneError(OneSite(subnet, workers));

        Assert.Equal("sites[0].lab.subnet", error.KeyPath);
        Assert.Equal((5, 20), (error.Location.Line, error.Location.Column));
        Assert.StartsWith(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_most_workers_a_slash_24_holds_are_accepted_and_planned()
    {
        var spec = _files.LoadValid(OneSite("10.11.0.0/24", 243));

        Assert.Equal(244, Planner.Plan(spec, FlavorCatalog.Empty).Nodes.Length);
    }

    [Fact]
    public void A_site_with_more_nodes_than_a_slash_16_holds_is_refused_at_its_workers()
    {
        var groups = string.Concat(Enumerable.Range(0, 7).Select(i => $"\n      - {{ name: g{i}, flavor: small, onDemand: 10000 }}"));
        var errors = _files.LoadErrors($"name: demo\nsites:\n  - name: berlin\n    provider: lab\n    master: {{ flavor: small }}\n    workers:{groups}\n");

        Assert.Contains(errors, e => e.Problem.Contains("limit of 20,000 nodes", StringComparison.Ordinal));
    }

    [Fact]
    public void Sites_the_planner_finds_no_free_subnet_for_are_refused_at_their_workers()
    {
        // The overlay takes all of 10/8, so no 10.N.0.0 range is free for a site without a subnet.
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\noverlay: { cidr: 10.0.0.0/8 }\n");

        Assert.Equal("sites[0].workers", error.KeyPath);
        Assert.Equal("no free /24 subnet is left in 10.11.0.0 to 10.254.0.0 for site 'berlin'", error.Problem);
    }

    [Fact]
    public void Sites_whose_tunnel_would_fall_below_ipv4s_minimum_mtu_are_refused_at_their_mtu()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + """

              - { name: b, provider: cloud, cloud: { region: eu-1, mtu: 655 }, gateway: { flavor: s } }
            """);

        Assert.Equal("sites[1].cloud.mtu", error.KeyPath);
        Assert.Equal("the MTU 655 of site 'b' leaves its tunnels 575 bytes after the overlay's 80, below IPv4's minimum of 576", error.Problem);
    }

    [Fact]
    public void The_smallest_mtu_a_tunnel_allows_is_accepted_and_planned()
    {
        var spec = _files.LoadValid(ConfigTestFiles.Minimal + """

              - { name: b, provider: cloud, cloud: { region: eu-1, mtu: 656 }, gateway: { flavor: s } }
            """);

        Assert.Equal(576, Planner.Plan(spec, FlavorCatalog.Empty).Overlay.Links.Single().Mtu);
    }
}
