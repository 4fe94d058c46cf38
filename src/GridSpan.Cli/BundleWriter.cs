using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using GridSpan.Common;
using GridSpan.Render;

namespace GridSpan.Cli;

/// <summary>
/// Writes rendered nodes under an output directory, keeping each file's mode (secret files are never
/// group- or world-readable). It never writes through a symlink: every directory it walks below the
/// output directory must be a real directory, and every file is created anew (O_EXCL), so a link
/// planted by another user is an error, never followed. It writes only into an empty directory or
/// one an earlier render made (marked by <see cref="Marker"/>).
/// </summary>
public sealed class BundleWriter
{
    public const string Marker = ".gridspan-render";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NewLine = "\n", PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string _root;
    private readonly ConcurrentDictionary<string, byte> _checkedDirectories = new(StringComparer.Ordinal);

    private BundleWriter(string root) => _root = root;

    /// <summary>Opens <paramref name="directory"/> for rendering: created when missing, refused when it holds files render did not write.</summary>
    public static BundleWriter Open(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            throw GridSpanException.HostUnsupported("render writes Unix file modes", "run GridSpan on Linux");
        }
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var marker = Path.Combine(root, Marker);
        if (!File.Exists(marker) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw GridSpanException.Failed($"{root} is not empty and was not made by `gridspan render`",
                "render into a new or empty directory; an earlier render's directory (holding .gridspan-render) is reused");
        }
        var writer = new BundleWriter(root);
        writer.WriteText(Marker, "This directory was written by `gridspan render`; it may be rendered into again.\n", 0b110_100_100);
        return writer;
    }

    /// <summary>
    /// Writes the node's own files under DIR/&lt;node&gt;/&lt;path on the node&gt; and its bundle.json, which
    /// names where each file is (DIR/shared/... for the files <paramref name="shared"/> holds, written once
    /// by <see cref="WriteShared"/>). Returns how many files were written and how many of them hold secrets.
    /// </summary>
    public (int Files, int Secret) Write(RenderedNode node, SharedFiles shared)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(shared);
        var nodeName = node.Bundle.NodeName;
        int written = 0, secret = 0;
        var sources = new List<string>(node.Bundle.Files.Length);
        foreach (var file in node.Bundle.Files)
        {
            if (shared.LocationOf(file) is { } location)
            {
                sources.Add(location);
                continue;
            }
            WriteFile(Path.Combine(nodeName, file.Path.TrimStart('/')), file);
            sources.Add($"{nodeName}{file.Path}");
            written++;
            secret += file.IsSecret ? 1 : 0;
        }
        WriteText(Path.Combine(nodeName, "cloud-init", "user-data"), node.CloudInitUserData, 0b110_000_000);
        var manifest = new
        {
            node = nodeName,
            packages = node.Bundle.Packages,
            services = node.Bundle.Services.Select(s => new { unit = s.Unit, inputs = s.Inputs }),
            commands = node.Bundle.Commands,
            files = node.Bundle.Files.Select((f, i) => new { path = f.Path, mode = Convert.ToString(f.Mode, 8), owner = f.Owner, group = f.Group, secret = f.IsSecret, source = sources[i] }),
        };
        WriteText(Path.Combine(nodeName, "bundle.json"), JsonSerializer.Serialize(manifest, Json) + "\n", 0b110_100_100);
        return (written + 2, secret + 1);
    }

    /// <summary>Writes each file several nodes share once, under DIR/shared/. Returns how many files were written and how many hold secrets.</summary>
    public (int Files, int Secret) WriteShared(SharedFiles shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var secret = 0;
        foreach (var (location, file) in shared.Files)
        {
            WriteFile(location, file);
            secret += file.IsSecret ? 1 : 0;
        }
        return (shared.Count, secret);
    }

    private void WriteFile(string relativePath, BundleFile file) =>
        WriteText(relativePath, file.Content, file.IsSecret ? file.Mode & 0b111_000_000 : file.Mode);

    /// <summary>Writes a file at <paramref name="relativePath"/> below the output directory, created with its final mode, so a secret is never readable by others, not even briefly.</summary>
    public void WriteText(string relativePath, string content, int mode)
    {
        var path = Path.GetFullPath(Path.Combine(_root, relativePath));
        if (!path.StartsWith(_root + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{relativePath} is outside {_root}", nameof(relativePath));
        }
        EnsureDirectory(Path.GetDirectoryName(path)!);
        var bytes = Encoding.UTF8.GetBytes(content);
        if (TryCreate(path, bytes, mode))
        {
            return;
        }
        // An earlier render's file, or a link someone planted: deleting a symlink removes the link, never
        // its target, and the new file is then created exclusively.
        File.Delete(path);
        if (!TryCreate(path, bytes, mode))
        {
            throw PrivateFiles.IsSymlink(path) ? SymlinkRefused(path) : GridSpanException.Failed(
                $"{path} appeared again while render replaced it", "make sure nothing else writes into the output directory, then render again");
        }
    }

    /// <summary>Creates the file exclusively; false when something already has its name.</summary>
    private static bool TryCreate(string path, byte[] bytes, int mode)
    {
        try
        {
            using var stream = PrivateFiles.CreateNew(path, (UnixFileMode)mode);
            stream.Write(bytes);
            return true;
        }
        catch (IOException) when (PrivateFiles.Exists(path))
        {
            return false;
        }
    }

    /// <summary>
    /// Makes <paramref name="directory"/> and its parents below the output directory, refusing a symlink on
    /// the way. A directory checked once is not checked again: this writer made it or found it a real
    /// directory, and only the user can write into the output directory's tree.
    /// </summary>
    private void EnsureDirectory(string directory)
    {
        if (directory == _root || _checkedDirectories.ContainsKey(directory))
        {
            return;
        }
        EnsureDirectory(Path.GetDirectoryName(directory)!);
        if (PrivateFiles.IsSymlink(directory))
        {
            throw SymlinkRefused(directory);
        }
        Directory.CreateDirectory(directory);
        _checkedDirectories.TryAdd(directory, 0);
    }

    private static GridSpanException SymlinkRefused(string path) =>
        GridSpanException.Failed($"{path} is a symbolic link: render never writes through one",
            "remove it, or render into a new directory that only you can write to");
}
