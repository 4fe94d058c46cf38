using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
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

    /// <summary>Each node's cloud-init user data, next to its bundle.json.</summary>
    public const string UserDataFile = "user-data";

    // Readable as written: only what JSON requires is escaped (`g++`, not `g\u002B\u002B`); the files are not HTML.
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const UnixFileMode AnyoneMayEnter = (UnixFileMode)0b111_111_111; // less the umask, as mkdir(1) does

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
    /// Writes the node's bundle.json, which holds the node's packages, services and commands and each of its
    /// files: the content of the files only this node has, and for the files <paramref name="shared"/> holds
    /// where they are (DIR/shared/..., written once by <see cref="WriteShared"/>); and its cloud-init user data
    /// as DIR/&lt;node&gt;/user-data. Two files per node, whatever the cluster's size: at 10,000 nodes the file
    /// system's cost of creating files is most of render's time. Returns how many files were written and
    /// how many of them hold secrets.
    /// </summary>
    public (int Files, int Secret) Write(RenderedNode node, SharedFiles shared)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(shared);
        var nodeName = node.Bundle.NodeName;
        var holdsSecret = false;
        var manifest = new ArrayBufferWriter<byte>(8192);
        using (var json = new Utf8JsonWriter(manifest, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("node", nodeName);
            WriteStrings(json, "packages", node.Bundle.Packages);
            json.WriteStartArray("services");
            foreach (var service in node.Bundle.Services)
            {
                json.WriteStartObject();
                json.WriteString("unit", service.Unit);
                WriteStrings(json, "inputs", service.Inputs);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteStrings(json, "commands", node.Bundle.Commands);
            json.WriteStartArray("files");
            foreach (var file in node.Bundle.Files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteString("mode", Convert.ToString(file.Mode, 8));
                json.WriteString("owner", file.Owner);
                json.WriteString("group", file.Group);
                json.WriteBoolean("secret", file.IsSecret);
                if (shared.LocationOf(file) is { } location)
                {
                    json.WriteString("source", location);
                }
                else
                {
                    json.WriteString("content", file.Content);
                    holdsSecret |= file.IsSecret;
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        manifest.Write("\n"u8);
        WriteBytes(Path.Combine(nodeName, "bundle.json"), manifest.WrittenSpan, holdsSecret ? 0b110_000_000 : 0b110_100_100);
        WriteText(Path.Combine(nodeName, UserDataFile), node.CloudInitUserData, 0b110_000_000);
        return (2, holdsSecret ? 2 : 1);
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
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
    public void WriteText(string relativePath, string content, int mode) => WriteBytes(relativePath, Encoding.UTF8.GetBytes(content), mode);

    private void WriteBytes(string relativePath, ReadOnlySpan<byte> bytes, int mode)
    {
        var path = Path.GetFullPath(Path.Combine(_root, relativePath));
        if (!path.StartsWith(_root + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{relativePath} is outside {_root}", nameof(relativePath));
        }
        EnsureDirectory(Path.GetDirectoryName(path)!);
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
    private static bool TryCreate(string path, ReadOnlySpan<byte> bytes, int mode)
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
        // A directory mkdir made is real; only one that was there already needs a look (at 10,000 nodes the
        // look cost as much as the mkdir).
        if (!PrivateFiles.TryMakeDirectory(directory, AnyoneMayEnter))
        {
            if (PrivateFiles.IsSymlink(directory))
            {
                throw SymlinkRefused(directory);
            }
            if (!Directory.Exists(directory))
            {
                throw GridSpanException.Failed($"{directory} is a file where render puts a directory", "remove it, or render into a new directory");
            }
        }
        _checkedDirectories.TryAdd(directory, 0);
    }

    private static GridSpanException SymlinkRefused(string path) =>
        GridSpanException.Failed($"{path} is a symbolic link: render never writes through one",
            "remove it, or render into a new directory that only you can write to");
}
