using GridSpan.Common;
using GridSpan.Providers.Local.Images;

namespace GridSpan.Providers.Local.Tests;

public sealed class ImageStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gridspan-image-test-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly ImageRecipe Recipe = ImageRecipe.Debian12 with { Name = "test-image" };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_failed_build_leaves_nothing_that_looks_like_an_image()
    {
        var store = new ImageStore(_directory, new FakeDebootstrap(fail: true));

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => store.EnsureBuiltAsync(Recipe, _ => { }, force: false, CancellationToken.None));

        Assert.Contains("debootstrap of test-image failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("E: Couldn't find these debs: no-such-package", failure.Message, StringComparison.Ordinal);
        Assert.False(store.IsBuilt(Recipe));
        Assert.Equal([".build.lock"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_image_is_built_once_and_again_only_when_its_package_list_changes()
    {
        var runner = new FakeDebootstrap(fail: false);
        var store = new ImageStore(_directory, runner);
        var progress = new List<string>();

        var first = await store.EnsureBuiltAsync(Recipe, progress.Add, force: false, CancellationToken.None);
        var again = await store.EnsureBuiltAsync(Recipe, progress.Add, force: false, CancellationToken.None);
        var changed = await store.EnsureBuiltAsync(Recipe with { Packages = Recipe.Packages.Add("htop") }, progress.Add, force: false, CancellationToken.None);

        Assert.True(first.Built);
        Assert.False(again.Built);
        Assert.True(changed.Built);
        Assert.NotEqual(first.Hash, changed.Hash);
        Assert.Equal(2, runner.Bootstraps);
        Assert.Contains(progress, line => line.StartsWith("debootstrap bookworm", StringComparison.Ordinal));
        Assert.Contains(progress, line => line == $"removing the outdated build {first.Hash}");
        Assert.Equal([changed.Hash], Directory.GetDirectories(Path.Combine(_directory, "test-image")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_size_of_a_cached_image_counts_its_own_files_and_follows_no_symbolic_link_out_of_it()
    {
        var store = new ImageStore(_directory, new FakeDebootstrap(fail: false));
        var built = await store.EnsureBuiltAsync(Recipe, _ => { }, force: false, CancellationToken.None);
        var outside = Path.Combine(_directory, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllBytesAsync(Path.Combine(outside, "big"), new byte[100_000]);
        Directory.CreateDirectory(Path.Combine(built.RootFileSystem, "dev"));
        // As in a real image: dev/fd points at /proc/self/fd, whose entries come and go while the walk runs.
        Directory.CreateSymbolicLink(Path.Combine(built.RootFileSystem, "dev", "fd"), "/proc/self/fd");
        Directory.CreateSymbolicLink(Path.Combine(built.RootFileSystem, "outside"), outside);
        File.CreateSymbolicLink(Path.Combine(built.RootFileSystem, "big-link"), Path.Combine(outside, "big"));

        var cached = await store.EnsureBuiltAsync(Recipe, _ => { }, force: false, CancellationToken.None);

        Assert.False(cached.Built);
        Assert.Equal(built.SizeBytes, cached.SizeBytes);
    }

    /// <summary>Stands in for debootstrap: writes a root file system (or fails like a missing package does).</summary>
    private sealed class FakeDebootstrap(bool fail) : ICommandRunner
    {
        public int Bootstraps { get; private set; }

        public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            var line = request.ToString();
            if (request.Arguments.Contains("debootstrap"))
            {
                Bootstraps++;
                var root = request.Arguments[^2];
                var log = request.Environment!["LOG"];
                if (fail)
                {
                    File.WriteAllText(log, "I: Retrieving InRelease\nE: Couldn't find these debs: no-such-package\n");
                    Directory.CreateDirectory(root);
                    return Task.FromResult(new CommandResult(line, 1, "", ""));
                }
                Directory.CreateDirectory(Path.Combine(root, "etc"));
                File.WriteAllText(Path.Combine(root, "etc", "os-release"), "ID=debian\n");
                File.WriteAllText(log, "I: Base system installed successfully.\n");
            }
            return Task.FromResult(new CommandResult(line, 0, "", ""));
        }
    }
}
