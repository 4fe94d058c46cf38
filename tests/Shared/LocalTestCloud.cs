using GridSpan.Common;
using GridSpan.Providers.Local;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Images;

namespace GridSpan.Testing;

/// <summary>
/// The base image every test cloud boots, built once per machine into the shared image cache
/// (building takes minutes; later runs find it cached; GRIDSPAN_LOCALCLOUD_IMAGES names another cache). Use it as a collection or class fixture.
/// </summary>
public sealed class LocalImageFixture : IAsyncLifetime
{
    public Task InitializeAsync() => EnsureBuiltAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public static async Task EnsureBuiltAsync(CancellationToken cancellationToken)
    {
        var store = new ImageStore(LocalCloudEnvironment.Options(HostEnvironment.FromProcess()).ImageDirectory, new ProcessCommandRunner());
        await store.EnsureBuiltAsync(ImageRecipe.Debian12, _ => { }, force: false, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// A local cloud of its own (own state directory, own name prefix, own namespaces) that shares only the
/// machine's image cache, never the machine's default local cloud. Disposing it runs `down` and removes
/// its directory, whether the test passed or not.
/// </summary>
public sealed class LocalTestCloud : IAsyncDisposable
{
    private LocalTestCloud(LocalCloud cloud, string directory)
    {
        Cloud = cloud;
        Directory = directory;
    }

    public LocalCloud Cloud { get; }

    public string Directory { get; }

    public string PrivateKey => Path.Combine(Directory, "id_ed25519");

    public string PublicKey => File.ReadAllText(PrivateKey + ".pub").Trim();

    public static async Task<LocalTestCloud> CreateAsync()
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
        var directory = Path.Combine(Path.GetTempPath(), $"gridspan-localcloud-test-{id}");
        System.IO.Directory.CreateDirectory(directory);
        var options = LocalCloudEnvironment.Options(HostEnvironment.FromProcess()) with { StateDirectory = Path.Combine(directory, "state"), Prefix = $"t{id}" };
        var cloud = new LocalCloud(options, new ProcessCommandRunner());
        var result = await new ProcessCommandRunner().RunAsync(
            CommandRequest.Of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(directory, "id_ed25519")), CancellationToken.None);
        result.EnsureSuccess();
        return new LocalTestCloud(cloud, directory);
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
