using System.Net;
using GridSpan.Config;

namespace GridSpan.Core.Tests.Config;

public sealed class Ipv4RangeTests
{
    [Theory]
    [InlineData("10.11.0.0/24")]
    [InlineData("10.0.0.0/16")]
    [InlineData("192.168.7.8/29")]
    public void A_network_address_with_a_prefix_within_the_bounds_is_read(string text)
    {
        Assert.Equal(IPNetwork.Parse(text), Ipv4Range.Parse(text, 16, 29, out var meant));
        Assert.Null(meant);
    }

    [Theory]
    [InlineData("10.11.0.5/24", "10.11.0.0/24")]
    [InlineData("10.0.255.1/16", "10.0.0.0/16")]
    [InlineData("192.168.7.9/29", "192.168.7.8/29")]
    public void A_range_written_with_host_bits_is_refused_and_names_the_range_meant(string text, string network)
    {
        Assert.Null(Ipv4Range.Parse(text, 16, 29, out var meant));
        Assert.Equal(IPNetwork.Parse(network), meant);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.11.0.0/30")]
    [InlineData("10.11.0.5/30")]
    [InlineData("fd00::/64")]
    [InlineData("10.11.0.0")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused_without_a_suggestion(string? text)
    {
        Assert.Null(Ipv4Range.Parse(text, 16, 29, out var meant));
        Assert.Null(meant);
    }
}
