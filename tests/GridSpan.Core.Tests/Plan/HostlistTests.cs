using GridSpan.Common;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Plan;

public sealed class HostlistTests
{
    [Fact]
    public void Consecutive_numbers_become_one_range_and_gaps_split_it()
    {
        var names = new[] { "demo-b-cpu-001", "demo-b-cpu-002", "demo-b-cpu-003", "demo-b-cpu-007", "demo-a-big-002" };
        Assert.Equal("demo-a-big-002,demo-b-cpu-[001-003,007]", Hostlist.Format(names));
    }

    [Fact]
    public void Names_without_numbers_and_different_widths_stay_apart()
    {
        var names = new[] { "demo-master", "n1", "n2", "n01", "demo-b-gw" };
        Assert.Equal("demo-b-gw,demo-master,n[1-2],n01", Hostlist.Format(names));
    }

    [Fact]
    public void Duplicates_and_order_do_not_change_the_result()
    {
        Assert.Equal(Hostlist.Format(["x-003", "x-001", "x-002", "x-001"]), Hostlist.Format(["x-001", "x-002", "x-003"]));
        Assert.Equal("x-[001-003]", Hostlist.Format(["x-003", "x-001", "x-002"]));
    }

    [Fact]
    public void No_names_give_an_empty_hostlist()
    {
        Assert.Equal("", Hostlist.Format([]));
    }

    [Fact]
    public void Parse_expands_what_slurm_passes_to_the_resume_program()
    {
        Assert.Equal(
            ["demo-b-cpu-001", "demo-b-cpu-002", "demo-b-cpu-003", "demo-b-cpu-007", "demo-a-big-002"],
            Hostlist.Parse("demo-b-cpu-[001-003,007],demo-a-big-002").ToArray());
    }

    [Fact]
    public void Parse_keeps_zero_padding_and_expands_several_bracket_groups()
    {
        Assert.Equal(["r1n08", "r1n09", "r1n10", "r2n08", "r2n09", "r2n10"], Hostlist.Parse("r[1-2]n[08-10]").ToArray());
    }

    [Fact]
    public void A_single_name_parses_to_itself()
    {
        Assert.Equal(["demo-master"], Hostlist.Parse("demo-master").ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(250)]
    [InlineData(1500)]
    public void Format_then_parse_gives_back_the_names(int count)
    {
        var random = new Random(count);
        var names = Enumerable.Range(1, count * 2)
            .Where(_ => random.Next(3) > 0)
            .Select(n => $"c-s{n % 3}-g-{n:0000}")
            .Append("c-master")
            .ToList();
        var parsed = Hostlist.Parse(Hostlist.Format(names));
        Assert.Equal(names.Order(StringComparer.Ordinal), parsed.Order(StringComparer.Ordinal));
        Assert.Equal(names.Count, parsed.Length);
    }

    [Theory]
    [InlineData("a-[001-003")]
    [InlineData("a-001]")]
    [InlineData("a-[003-001]")]
    [InlineData("a-[x-y]")]
    [InlineData("a,,b")]
    [InlineData("a-[[1-2]]")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("a-[1-2000000]")]
    public void Malformed_hostlists_are_rejected_with_a_reason(string text)
    {
        var error = Assert.Throws<GridSpanException>(() => Hostlist.Parse(text));
        Assert.Contains("is not a Slurm hostlist", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Fix);
    }
}
