namespace GridSpan.Core.Tests.Config;

/// <summary>Slurm partition names never clash: refused at validate with a position, not by the planner (issue 10 item 10).</summary>
public sealed class NameClashRulesTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_site_named_all_is_refused_at_its_name()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal.Replace("name: berlin", "name: all", StringComparison.Ordinal));

        Assert.Equal("sites[0].name", error.KeyPath);
        Assert.Equal((3, 11), (error.Location.Line, error.Location.Column));
        Assert.Equal("a site may not be named 'all': that is the Slurm partition of every node", error.Problem);
    }

    [Fact]
    public void A_site_named_like_another_sites_group_partition_is_refused_at_the_later_one()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + """

              - name: berlin-cpu
                provider: lab
                gateway: { flavor: small }
                workers:
                  - { name: gpu, flavor: small, count: 1 }
            """);

        Assert.Equal("sites[1].name", error.KeyPath);
        Assert.Equal("the partition of site 'berlin-cpu' would be named 'berlin-cpu', like the partition of group 'cpu' of site 'berlin' (sites[0].workers[0].name)",
            error.Problem);
    }

    [Fact]
    public void A_group_whose_partition_is_named_like_an_earlier_site_is_refused_at_the_group()
    {
        var error = _files.LoadOneError("""
            name: demo
            sites:
              - name: berlin-cpu
                provider: lab
                master: { flavor: small }
              - name: berlin
                provider: lab
                gateway: { flavor: small }
                workers:
                  - { name: cpu, flavor: small, count: 1 }
            """);

        Assert.Equal("sites[1].workers[0].name", error.KeyPath);
    }
}
