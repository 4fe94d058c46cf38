using System.Security.Cryptography;
using GridSpan.Common.Quoting;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Render;

namespace GridSpan.Cluster;

/// <summary>
/// The self-contained `gridspan` (no .NET needed on the node) that Slurm's hooks run on the master.
/// Published once per build of GridSpan (`dotnet publish -r linux-x64 --self-contained`, single
/// file) into a cache keyed by the hash of the running build's assemblies, and copied to the master
/// only when the master's copy differs.
/// </summary>
/// <param name="overridePath">A prebuilt binary to install instead (<see cref="OverrideVariable"/>); null publishes one.</param>
public sealed partial class MasterBinary(ICommandRunner runner, string cacheDirectory, string? overridePath)
{
    /// <summary>A prebuilt binary to install instead of publishing one (packaging, CI).</summary>
    public const string OverrideVariable = "GRIDSPAN_MASTER_BINARY";

    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The path of a self-contained binary of this build, publishing it on first use.</summary>
    public async Task<string> EnsureAsync(CancellationToken cancellationToken)
    {
        if (overridePath is { Length: > 0 } given)
        {
            return File.Exists(given)
                ? given
                : throw GridSpanException.NotFound($"{OverrideVariable} names {given}, which does not exist", $"unset {OverrideVariable} to publish one from the sources");
        }
        var here = AppContext.BaseDirectory;
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == "gridspan" && !File.Exists(Path.Combine(here, "gridspan.dll")))
        {
            return self; // this process is the self-contained binary (e.g. installed from a release)
        }
        var key = BuildKey(here);
        var target = Path.Combine(cacheDirectory, key, "gridspan");
        if (File.Exists(target))
        {
            return target;
        }
        var project = FindProject(here) ?? throw GridSpanException.NotFound(
            $"cannot publish the self-contained gridspan for the master: no GridSpan sources above {here}",
            $"set {OverrideVariable} to a binary made with `dotnet publish src/GridSpan.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true`");
        var staging = Path.Combine(cacheDirectory, $"{key}.tmp-{Environment.ProcessId}");
        Directory.CreateDirectory(staging);
        try
        {
            await runner.RunCheckedAsync(new CommandRequest("dotnet",
                ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-p:PublishSingleFile=true",
                 "-p:DebugType=none", "-o", staging, "-nologo", "-v", "quiet"]) { Timeout = PublishTimeout },
                cancellationToken, "check that the .NET SDK can restore the linux-x64 runtime pack (NuGet)").ConfigureAwait(false);
            try
            {
                Directory.Move(staging, Path.Combine(cacheDirectory, key));
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another create published the same build meanwhile.
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        return target;
    }

    /// <summary>Copies the binary to <see cref="NodePaths.GridSpanBinary"/> on the node unless it already has exactly this one.</summary>
    /// <returns>True when it was copied.</returns>
    public static async Task<bool> InstallAsync(SshTransport transport, SshTarget target, string binary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(target);
        var session = transport.Session(target);
        string hash;
        await using (var stream = File.OpenRead(binary))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
        var present = await session.RunAsync($"sha256sum {NodePaths.GridSpanBinary} 2>/dev/null || true", null, cancellationToken).ConfigureAwait(false);
        if (present.StandardOutput.StartsWith(hash, StringComparison.Ordinal))
        {
            return false;
        }
        // scp runs as the SSH user, who may not be root: it writes into a fresh directory that only
        // that user may enter (mktemp -d, then handed over), never into a name guessable in /tmp.
        var made = await session.RunAsync($"d=$(mktemp -d /tmp/gridspan-upload.XXXXXXXXXX) && chown {ShellQuote.Quote(target.User)} \"$d\" && echo \"$d\"",
            null, cancellationToken).ConfigureAwait(false);
        made.EnsureSuccess();
        var directory = made.StandardOutput.Trim();
        if (!UploadDirectory().IsMatch(directory))
        {
            throw GridSpanException.Failed($"node '{target.NodeName}' answered '{directory}' when asked for a new upload directory",
                "check that mktemp on the node is GNU coreutils' (the image's own)");
        }
        CommandResult installed;
        try
        {
            await transport.Runner.RunCheckedAsync(new CommandRequest("scp", ["-F", transport.ConfigFile, "-q", binary, $"{target.NodeName}:{directory}/gridspan"])
            { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken).ConfigureAwait(false);
            installed = await session.RunAsync(
                $"install -m 0755 {directory}/gridspan {NodePaths.GridSpanBinary}.new && mv -f {NodePaths.GridSpanBinary}.new {NodePaths.GridSpanBinary}",
                null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await session.RunAsync($"rm -rf {directory}", null, CancellationToken.None).ConfigureAwait(false);
        }
        installed.EnsureSuccess();
        return true;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A/tmp/gridspan-upload\.[A-Za-z0-9]{10}\z")]
    private static partial System.Text.RegularExpressions.Regex UploadDirectory();

    private static string BuildKey(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(directory, "*.dll")
                     .Where(f => Path.GetFileName(f).StartsWith("GridSpan.", StringComparison.Ordinal) || Path.GetFileName(f) == "gridspan.dll")
                     .Order(StringComparer.Ordinal))
        {
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string? FindProject(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var project = Path.Combine(directory.FullName, "src", "GridSpan.Cli", "GridSpan.Cli.csproj");
            if (File.Exists(project))
            {
                return project;
            }
        }
        return null;
    }
}
