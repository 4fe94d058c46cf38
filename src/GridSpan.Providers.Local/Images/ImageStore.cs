using System.Diagnostics;
using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Providers.Local.Images;

/// <summary>
/// The cache of base images: `ImageDirectory/NAME/HASH/` holds a finished root file system and an
/// `image.json` stamp. A build goes to a temporary directory that is renamed into place only when
/// complete, so a failed or interrupted build leaves nothing that looks like an image.
/// </summary>
public sealed class ImageStore(string imageDirectory, ICommandRunner runner)
{
    private static readonly JsonSerializerOptions StampJson = new() { WriteIndented = true };

    public string Directory { get; } = imageDirectory;

    public string PathOf(ImageRecipe recipe) => Path.Combine(Directory, recipe.Name, recipe.Hash);

    public string RootOf(ImageRecipe recipe) => Path.Combine(PathOf(recipe), "rootfs");

    public bool IsBuilt(ImageRecipe recipe) => File.Exists(Path.Combine(PathOf(recipe), "image.json"));

    public static ImageRecipe? Find(string name) => ImageRecipe.All.FirstOrDefault(r => r.Name == name);

    /// <summary>Builds the image unless the cached one has the same recipe hash. Returns the root file system.</summary>
    public async Task<ImageBuildResult> EnsureBuiltAsync(ImageRecipe recipe, Action<string> progress, bool force, CancellationToken cancellationToken)
    {
        Cloud.StateStore.EnsureDirectory(Directory);
        await using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        if (IsBuilt(recipe) && !force)
        {
            return new ImageBuildResult(RootOf(recipe), recipe.Hash, Built: false, TimeSpan.Zero, SizeBytes(PathOf(recipe)));
        }
        var mirror = AptMirror.Find(recipe.Suite) ?? "http://deb.debian.org/debian";
        var temporary = Path.Combine(Directory, $".building-{recipe.Name}-{recipe.Hash}-{Environment.ProcessId}");
        var clock = Stopwatch.StartNew();
        try
        {
            DeleteTree(temporary);
            System.IO.Directory.CreateDirectory(temporary);
            var root = Path.Combine(temporary, "rootfs");
            progress($"debootstrap {recipe.Suite} ({recipe.Packages.Length} packages) from {mirror}");
            await BootstrapAsync(recipe, mirror, root, temporary, progress, cancellationToken).ConfigureAwait(false);
            progress("removing per-node identity, disabling role services");
            await runner.RunCheckedAsync(
                new CommandRequest("sh", ["-c", ImageFinishing.Script, "finish", root, .. ImageRecipe.DisabledServices, "--mask", .. ImageRecipe.MaskedUnits]),
                cancellationToken).ConfigureAwait(false);
            var stamp = new ImageStamp(recipe.Name, recipe.Hash, recipe.Suite, mirror, [.. recipe.Packages], DateTimeOffset.UtcNow,
                clock.Elapsed.TotalSeconds);
            await File.WriteAllTextAsync(Path.Combine(temporary, "image.json"),
                JsonSerializer.Serialize(stamp, StampJson), cancellationToken).ConfigureAwait(false);
            var final = PathOf(recipe);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (System.IO.Directory.Exists(final))
            {
                var old = final + $".old-{Environment.ProcessId}";
                System.IO.Directory.Move(final, old);
                DeleteTree(old);
            }
            System.IO.Directory.Move(temporary, final);
            PruneOlderVersions(recipe, progress);
            return new ImageBuildResult(RootOf(recipe), recipe.Hash, Built: true, clock.Elapsed, SizeBytes(final));
        }
        catch
        {
            DeleteTree(temporary);
            throw;
        }
    }

    /// <summary>Deletes older builds of the image that no running node's overlay uses any more.</summary>
    private void PruneOlderVersions(ImageRecipe recipe, Action<string> progress)
    {
        var mounts = File.ReadAllText("/proc/self/mountinfo");
        foreach (var old in System.IO.Directory.GetDirectories(Path.Combine(Directory, recipe.Name)))
        {
            if (Path.GetFileName(old) != recipe.Hash && !mounts.Contains(old + "/", StringComparison.Ordinal))
            {
                progress($"removing the outdated build {Path.GetFileName(old)}");
                DeleteTree(old);
            }
        }
    }

    private async Task BootstrapAsync(ImageRecipe recipe, string mirror, string root, string workDirectory, Action<string> progress,
        CancellationToken cancellationToken)
    {
        var log = Path.Combine(workDirectory, "debootstrap.log");
        string[] arguments =
        [
            "-c", "exec debootstrap \"$@\" >\"$LOG\" 2>&1", "debootstrap",
            "--variant=minbase", "--include=" + string.Join(',', recipe.Packages), recipe.Suite, root, mirror,
        ];
        var environment = new Dictionary<string, string> { ["LOG"] = log, ["DEBIAN_FRONTEND"] = "noninteractive" };
        var running = runner.RunAsync(new CommandRequest("sh", arguments) { Environment = environment }, cancellationToken);
        var last = "";
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(1000, cancellationToken)).ConfigureAwait(false);
            var line = LastLine(log);
            if (line is not null && line != last)
            {
                progress(line);
                last = line;
            }
        }
        var result = await running.ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "";
            throw GridSpanException.Failed($"debootstrap of {recipe.Name} failed (exit code {result.ExitCode}):\n{tail}",
                $"check that apt can reach {mirror} (apt-get update) and that every package of the image exists in {recipe.Suite}");
        }
    }

    private static string? LastLine(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("I: ", StringComparison.Ordinal))?[3..];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, ".build.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Skipping reparse points keeps the walk off symbolic links: recursing through rootfs/dev/fd
    // (-> /proc/self/fd) read this very process's descriptors, which vanish while being measured.
    private static long SizeBytes(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions
            {
                RecurseSubdirectories = true,
                AttributesToSkip = FileAttributes.ReparsePoint,
                IgnoreInaccessible = true,
            })
            .Sum(file => file.Length);

    /// <summary>Deletes a directory tree without following symbolic links (an image holds absolute ones).</summary>
    internal static void DeleteTree(string path)
    {
        if (!System.IO.Directory.Exists(path))
        {
            return;
        }
        // Directory.Delete does not follow links to directories; it removes the link itself.
        System.IO.Directory.Delete(path, recursive: true);
    }
}

public sealed record ImageBuildResult(string RootFileSystem, string Hash, bool Built, TimeSpan Elapsed, long SizeBytes);

public sealed record ImageStamp(string Name, string Hash, string Suite, string Mirror, List<string> Packages, DateTimeOffset BuiltAt, double BuildSeconds);
