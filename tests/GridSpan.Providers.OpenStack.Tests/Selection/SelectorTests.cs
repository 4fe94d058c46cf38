using GridSpan.Common;
using GridSpan.Providers.OpenStack.Compute;
using GridSpan.Providers.OpenStack.Images;
using GridSpan.Providers.OpenStack.Selection;

namespace GridSpan.Providers.OpenStack.Tests.Selection;

public sealed class SelectorTests
{
    private static readonly GlanceImage[] Images =
    [
        new("i1", "debian-12-20240101", DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), null, null),
        new("i3", "debian-12-20240301", DateTimeOffset.Parse("2024-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), null, null),
        new("i2", "debian-12-20240201", DateTimeOffset.Parse("2024-02-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), null, null),
        new("u1", "ubuntu-24.04", DateTimeOffset.Parse("2024-05-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), null, null),
    ];

    private static readonly NovaFlavor[] Flavors =
    [
        new("f4", "m1.xlarge", 8, 16384, 80),
        new("f1", "m1.small", 1, 2048, 20),
        new("f2", "m1.medium", 2, 4096, 40),
        new("f3", "c1.medium", 4, 4096, 40),
    ];

    [Fact]
    public void An_image_pattern_picks_the_newest_match()
    {
        Assert.Equal("i3", ImageSelector.Select(Images, "/^debian-12-/")!.Id);
    }

    [Fact]
    public void An_image_is_found_by_exact_name_or_id_and_a_missing_one_is_null()
    {
        Assert.Equal("i2", ImageSelector.Select(Images, "debian-12-20240201")!.Id);
        Assert.Equal("u1", ImageSelector.Select(Images, "u1")!.Id);
        Assert.Null(ImageSelector.Select(Images, "debian-12"));
    }

    [Fact]
    public void A_broken_image_pattern_is_a_config_error()
    {
        var failure = Assert.Throws<GridSpanException>(() => ImageSelector.Select(Images, "/debian-(/"));

        Assert.Equal(ExitCode.InvalidConfig, failure.ExitCode);
    }

    [Theory]
    [InlineData("cpus>=2 ram>=4GiB", "m1.medium")]
    [InlineData("cpus>=3", "c1.medium")]
    [InlineData("ram>=5000", "m1.xlarge")]
    [InlineData("m1.small", "m1.small")]
    [InlineData("f3", "c1.medium")]
    public void A_flavor_is_found_by_name_or_as_the_smallest_meeting_minimums(string wanted, string expected)
    {
        Assert.Equal(expected, FlavorSelector.Select(Flavors, wanted)!.Name);
    }

    [Fact]
    public void Minimums_nothing_meets_give_no_flavor()
    {
        Assert.Null(FlavorSelector.Select(Flavors, "cpus>=64"));
    }
}
