using GridSpan.Common;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Images;

namespace GridSpan.Providers.Local.Tests;

/// <summary>Builds (or finds cached) the base image once per test run; every test then makes its own local cloud.</summary>
public sealed class ImageFixture : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        var store = new ImageStore(LocalCloudOptions.Default.ImageDirectory, new ProcessCommandRunner());
        await store.EnsureBuiltAsync(ImageRecipe.Debian12, _ => { }, force: false, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class LocalCloudCollection : ICollectionFixture<ImageFixture>
{
    public const string Name = "local cloud (root, sequential)";
}

/// <summary>
/// A local cloud of its own for one test (own state directory, own name prefix, own namespaces),
/// removed with `down` when the test ends, whether it passed or not.
/// </summary>
public sealed class TestCloud : IAsyncDisposable
{
    private TestCloud(LocalCloud cloud, string directory)
    {
        Cloud = cloud;
        Directory = directory;
    }

    public LocalCloud Cloud { get; }

    public string Directory { get; }

    public string PrivateKey => Path.Combine(Directory, "id_ed25519");

    public string PublicKey => File.ReadAllText(PrivateKey + ".pub").Trim();

    public static async Task<TestCloud> CreateAsync()
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
        var directory = Path.Combine(Path.GetTempPath(), $"gridspan-localcloud-test-{id}");
        System.IO.Directory.CreateDirectory(directory);
        var options = LocalCloudOptions.Default with { StateDirectory = Path.Combine(directory, "state"), Prefix = $"t{id}" };
        var cloud = new LocalCloud(options, new ProcessCommandRunner());
        var result = await new ProcessCommandRunner().RunAsync(
            CommandRequest.Of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(directory, "id_ed25519")), CancellationToken.None);
        result.EnsureSuccess();
        return new TestCloud(cloud, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Cloud.DownAsync(CancellationToken.None);
        if (File.ReadAllText("/proc/self/mountinfo").Contains(Directory, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"localcloud down left a mount under {Directory}; not deleting through it");
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
