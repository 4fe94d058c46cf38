using GridSpan.Config;

namespace GridSpan.Core.Tests.Plan;

public sealed class NodeNamesTests
{
    [Theory]
    [InlineData("demo-hamburg-cpu-001", "hamburg")]
    [InlineData("demo-hamburg-gw", "hamburg")]
    [InlineData("demo-eu-west-cpu-001", "eu-west")]
    [InlineData("demo-eu-gpu-001", "eu")]
    [InlineData("demo-master", null)]
    [InlineData("other-hamburg-cpu-001", null)]
    public void The_site_of_a_node_is_read_from_its_name_preferring_the_longest_site_name(string node, string? site) =>
        Assert.Equal(site, NodeNames.SiteOf("demo", node, ["berlin", "hamburg", "eu", "eu-west"]));
}
