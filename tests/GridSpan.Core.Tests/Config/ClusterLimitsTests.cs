using System.Text;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Config;

/// <summary>The largest cluster GridSpan accepts (issue 10 item 9): refused where the file crosses a limit; planned in bounded memory below it.</summary>
public sealed class ClusterLimitsTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A cluster of <paramref name="sites"/> sites, each with <paramref name="groups"/> groups of <paramref name="nodesPerGroup"/> on-demand workers.</summary>
    private static string Cluster(int sites, int groups, int nodesPerGroup, string extra = "")
    {
        var text = new StringBuilder("name: big\nsites:\n");
        for (var s = 0; s < sites; s++)
        {
            text.Append(CultureInvariant($"  - name: s{s}\n    provider: lab\n"));
            text.Append(s == 0 ? "    master: { flavor: small }\n" : "    gateway: { flavor: small }\n");
            text.Append("    workers:\n");
            for (var g = 0; g < groups; g++)
            {
                text.Append(CultureInvariant($"      - {{ name: g{g}, flavor: small, onDemand: {nodesPerGroup} }}\n"));
            }
        }
        return text.Append(extra).ToString();
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    [Fact]
    public void Twenty_sites_of_three_groups_of_twenty_thousand_nodes_are_refused_at_the_group_that_crosses_the_limit()
    {
        var errors = _files.LoadErrors(Cluster(20, 3, 10_000));

        var error = Assert.Single(errors, e => e.Problem.Contains("limit of 20,000 nodes", StringComparison.Ordinal));
        // The master and two groups of 10,000: the second group crosses the limit.
        Assert.Equal("sites[0].workers[1]", error.KeyPath);
        Assert.Equal((6, 9), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void The_largest_cluster_allowed_validates_and_plans()
    {
        // 100 sites of 199 workers and a VPN node each: 20,000 nodes, the most a cluster may have.
        var spec = _files.LoadValid(Cluster(100, 1, 199));
        var before = GC.GetAllocatedBytesForCurrentThread();

        var plan = Planner.Plan(spec, FlavorCatalog.Empty);
        var json = PlanJson.Serialize(plan);

        Assert.Equal(20_000, plan.Nodes.Length);
        var allocatedMiB = (GC.GetAllocatedBytesForCurrentThread() - before) >> 20;
        Assert.True(allocatedMiB < 400, $"planning and serialising 20,000 nodes allocated {allocatedMiB} MiB");
        Assert.NotEmpty(json);
    }

    [Fact]
    public void One_node_more_than_the_limit_is_refused()
    {
        var errors = _files.LoadErrors(Cluster(100, 1, 199).Replace("name: g0, flavor: small, onDemand: 199 }\n  - name: s1", "name: g0, flavor: small, onDemand: 200 }\n  - name: s1", StringComparison.Ordinal));

        var error = Assert.Single(errors);
        Assert.Equal("sites[99].workers[0]", error.KeyPath);
        Assert.StartsWith("with this group the cluster has 20,001 nodes or more, above GridSpan's limit of 20,000 nodes", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hundred_and_one_sites_are_refused_at_the_hundred_and_first()
    {
        var errors = _files.LoadErrors(Cluster(101, 1, 1));

        var error = Assert.Single(errors, e => e.Problem.Contains("above GridSpan's limit of 100", StringComparison.Ordinal));
        Assert.Equal("sites[100]", error.KeyPath);
        Assert.Equal("101 sites, above GridSpan's limit of 100", error.Problem);
    }

    [Fact]
    public void Two_hundred_and_fifty_sites_are_refused_at_validate()
    {
        var errors = _files.LoadErrors(Cluster(250, 1, 1));

        Assert.Contains(errors, e => e.Problem == "250 sites, above GridSpan's limit of 100");
    }

    [Fact]
    public void A_hundred_and_one_groups_in_one_site_are_refused()
    {
        var errors = _files.LoadErrors(Cluster(1, 101, 1));

        var error = Assert.Single(errors);
        Assert.Equal("sites[0].workers[100]", error.KeyPath);
        Assert.Equal("101 worker groups in one site, above GridSpan's limit of 100", error.Problem);
    }

    [Fact]
    public void Too_many_shares_features_and_keys_are_refused()
    {
        var shares = string.Join(", ", Enumerable.Range(0, 33).Select(i => $"/vol/s{i}"));
        var features = string.Join(", ", Enumerable.Range(0, 33).Select(i => $"f{i}"));
        var keys = string.Join(", ", Enumerable.Range(0, 101).Select(_ => $"'{ConfigTestFiles.Ed25519Key}'"));
        var text = ConfigTestFiles.Minimal.Replace("count: 1 }", $"count: 1, features: [{features}] }}", StringComparison.Ordinal) +
            $"\nstorage: {{ shares: [{shares}] }}\nssh: {{ publicKeys: [{keys}] }}\n";

        var errors = _files.LoadErrors(text);

        Assert.Equal(
            ["33 features in one group, above GridSpan's limit of 32", "33 shares, above GridSpan's limit of 32", "101 public keys, above GridSpan's limit of 100"],
            errors.Select(e => e.Problem));
    }
}
