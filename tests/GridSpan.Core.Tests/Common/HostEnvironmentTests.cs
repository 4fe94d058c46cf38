using GridSpan.Common;

namespace GridSpan.Core.Tests.Common;

public sealed class HostEnvironmentTests
{
    [Fact]
    public void An_empty_variable_reads_as_unset()
    {
        var environment = new HostEnvironment(new Dictionary<string, string?> { ["A"] = "1", ["EMPTY"] = "", ["NULL"] = null });

        Assert.Equal("1", environment.Get("A"));
        Assert.Null(environment.Get("EMPTY"));
        Assert.Null(environment.Get("NULL"));
        Assert.Null(environment.Get("MISSING"));
    }

    [Fact]
    public void With_makes_a_changed_copy_and_leaves_the_original_as_it_was()
    {
        var original = new HostEnvironment(new Dictionary<string, string?> { ["A"] = "1", ["B"] = "2" });

        var changed = original.With("A", "9").With("B", null).With("C", "3");

        Assert.Equal(("9", null, "3"), (changed.Get("A"), changed.Get("B"), changed.Get("C")));
        Assert.Equal(("1", "2", null), (original.Get("A"), original.Get("B"), original.Get("C")));
    }

    [Fact]
    public void The_home_directory_is_HOME_when_it_is_set()
    {
        Assert.Equal("/home/alice", new HostEnvironment(new Dictionary<string, string?> { ["HOME"] = "/home/alice" }).HomeDirectory);
        Assert.False(string.IsNullOrEmpty(HostEnvironment.Empty.HomeDirectory));
    }

    [Fact]
    public void A_snapshot_of_the_process_does_not_follow_later_changes()
    {
        var name = $"GRIDSPAN_TEST_{Guid.NewGuid():N}";
        var snapshot = HostEnvironment.FromProcess();
        Environment.SetEnvironmentVariable(name, "later");
        try
        {
            Assert.Null(snapshot.Get(name));
            Assert.Equal("later", HostEnvironment.FromProcess().Get(name));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
