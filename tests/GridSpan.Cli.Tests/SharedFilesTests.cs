using GridSpan.Render;

namespace GridSpan.Cli.Tests;

public sealed class SharedFilesTests
{
    private static RenderedNode Node(string name, params BundleFile[] files) =>
        new(new NodeBundle(name, [.. files], [], [], []), "");

    [Fact]
    public void Files_alike_are_shared_and_files_differing_only_far_inside_are_not()
    {
        var common = BundleFile.Public("/etc/slurm/slurm.conf", new string('x', 10_000));
        // Same path and length, same first and last 256 characters: only the middle differs.
        string Middle(char c) => new string('a', 1000) + c + new string('b', 1000);
        var a = Node("a", common, BundleFile.Public("/etc/hosts", Middle('1')));
        var b = Node("b", BundleFile.Public("/etc/slurm/slurm.conf", new string('x', 10_000)), BundleFile.Public("/etc/hosts", Middle('2')));

        var shared = SharedFiles.Of([a, b]);

        Assert.Equal(1, shared.Count);
        Assert.Equal("shared/etc/slurm/slurm.conf", shared.LocationOf(a.Bundle.Files[0]));
        Assert.Equal("shared/etc/slurm/slurm.conf", shared.LocationOf(b.Bundle.Files[0]));
        Assert.Null(shared.LocationOf(a.Bundle.Files[1]));
        Assert.Null(shared.LocationOf(b.Bundle.Files[1]));
    }

    [Fact]
    public void A_file_alike_in_content_but_not_in_mode_is_another_file()
    {
        var a = Node("a", BundleFile.Public("/usr/local/bin/x", "same"));
        var b = Node("b", BundleFile.Public("/usr/local/bin/x", "same", 0b111_101_101));
        var c = Node("c", BundleFile.Public("/usr/local/bin/x", "same", 0b111_101_101));

        var shared = SharedFiles.Of([a, b, c]);

        Assert.Null(shared.LocationOf(a.Bundle.Files[0]));
        Assert.Equal("shared/usr/local/bin/x", shared.LocationOf(b.Bundle.Files[0]));
    }
}
