using GridSpan.Providers.Local.Images;

namespace GridSpan.Providers.Local.Tests;

public sealed class AptMirrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gridspan-apt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_mirror_comes_from_the_deb822_entry_of_the_suite_not_from_security_or_other_repositories()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "sources.list.d"));
        File.WriteAllText(Path.Combine(_directory, "sources.list.d", "debian.sources"), """
            Types: deb
            URIs: http://security.example/debian-security
            Suites: bookworm-security
            Components: main

            Types: deb
            # a comment: with a colon
            URIs: http://mirror.example/debian
            Suites: bookworm bookworm-updates
            Components: main
            """);
        File.WriteAllText(Path.Combine(_directory, "sources.list.d", "other.list"), "deb [arch=amd64] https://other.example/apt stable main\n");

        Assert.Equal("http://mirror.example/debian", AptMirror.Find("bookworm", _directory));
        Assert.Null(AptMirror.Find("trixie", _directory));
    }

    [Fact]
    public void A_one_line_entry_with_options_is_understood()
    {
        File.WriteAllText(Path.Combine(_directory, "sources.list"), "# old style\ndeb [signed-by=/k.gpg] http://one.example/debian bookworm main\n");

        Assert.Equal("http://one.example/debian", AptMirror.Find("bookworm", _directory));
    }
}

public sealed class NamesTests
{
    [Theory]
    [InlineData("gslc-world", true)]
    [InlineData("gslc-r-0a1b2c3d", true)]
    [InlineData("gslc-n-0a1b2c3d", true)]
    [InlineData("gslc-probe", true)]
    [InlineData("gslc-plan-980-6d632e", false)]
    [InlineData("gslc-n-0a1b2c3d-x", false)]
    [InlineData("gslcx-world", false)]
    public void Down_sweeps_only_namespaces_of_exactly_its_own_shapes(string name, bool own) =>
        Assert.Equal(own, new Cloud.Names("gslc").IsOwnNamespace(name));
}
