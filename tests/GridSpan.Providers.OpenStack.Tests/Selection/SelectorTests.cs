using GridSpan.Config;
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

    [Fact]
    public void A_hostile_minimum_is_read_in_one_pass_and_refused_at_once()
    {
        // The old backtracking pattern took 9 s on 121 characters of this shape, doubling with each part.
        var hostile = string.Concat(Enumerable.Repeat("cpus>=1 ", 5_000)) + "!";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(FlavorMinimum.Is(hostile));
        Assert.NotNull(OpenStackProviderDefinition.For(Common.HostEnvironment.Empty).CheckFlavor(hostile));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("cpus>=2 ram>=4GiB", 2, 4096)]
    [InlineData(" cpus >= 2  ram>=512 MiB ", 2, 512)]
    [InlineData("RAM>=1g", 0, 1024)]
    public void Minimums_are_read_with_spaces_case_and_units(string wanted, int cpus, long memory)
    {
        Assert.Equal((cpus, memory), FlavorMinimum.Parse(wanted));
    }

    [Theory]
    [InlineData("cpus>=")]
    [InlineData("cpus>=2 disk>=10")]
    [InlineData("cpus>=2GiB")]
    [InlineData("cpus>=9999999999")]
    [InlineData("cpus>=2; rm -rf /")]
    public void Text_that_tries_to_be_minimums_but_is_not_is_refused_at_validate(string wanted)
    {
        Assert.False(FlavorMinimum.Is(wanted));
        var problem = OpenStackProviderDefinition.For(Common.HostEnvironment.Empty).CheckFlavor(wanted);
        Assert.NotNull(problem);
        Assert.Contains("cpus>=2 ram>=4GiB", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flavor_name_is_left_to_the_cloud_and_minimums_asking_for_nothing_are_refused()
    {
        var definition = OpenStackProviderDefinition.For(Common.HostEnvironment.Empty);

        Assert.Null(definition.CheckFlavor("m1.small"));
        Assert.Null(definition.CheckFlavor("cpus>=2"));
        Assert.Contains("asks for nothing", definition.CheckFlavor("cpus>=0")!.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/debian-(/")]
    [InlineData("/(a)\\1/")]
    [InlineData("/(?<=x)debian/")]
    public void An_image_pattern_that_does_not_compile_to_a_linear_matcher_is_refused_at_validate(string pattern)
    {
        var problem = OpenStackProviderDefinition.For(Common.HostEnvironment.Empty).CheckImage(pattern);

        Assert.NotNull(problem);
        Assert.Contains(pattern, problem.Problem, StringComparison.Ordinal);
        Assert.Null(OpenStackProviderDefinition.For(Common.HostEnvironment.Empty).CheckImage("/^debian-12-.*/"));
    }
}
