using System.Text.Json;
using GridSpan.Common;
using GridSpan.Render;

namespace GridSpan.Cli;

/// <summary>Writes a rendered node under a directory, keeping each file's mode (secret files are never group- or world-readable).</summary>
public static class BundleWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NewLine = "\n", PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>
    /// Writes the node's own files under DIR/&lt;node&gt;/&lt;path on the node&gt; and its bundle.json, which
    /// names where each file is (DIR/shared/... for the files <paramref name="shared"/> holds, written once
    /// by <see cref="WriteShared"/>). Returns how many files were written and how many of them hold secrets.
    /// </summary>
    public static (int Files, int Secret) Write(string outputDirectory, RenderedNode node, SharedFiles shared)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(shared);
        var nodeDirectory = Path.Combine(outputDirectory, node.Bundle.NodeName);
        int written = 0, secret = 0;
        var sources = new List<string>(node.Bundle.Files.Length);
        foreach (var file in node.Bundle.Files)
        {
            if (shared.LocationOf(file) is { } location)
            {
                sources.Add(location);
                continue;
            }
            WriteFile(Path.Combine(nodeDirectory, file.Path.TrimStart('/')), file);
            sources.Add($"{node.Bundle.NodeName}{file.Path}");
            written++;
            secret += file.IsSecret ? 1 : 0;
        }
        WriteText(Path.Combine(nodeDirectory, "cloud-init", "user-data"), node.CloudInitUserData, 0b110_000_000);
        var manifest = new
        {
            node = node.Bundle.NodeName,
            packages = node.Bundle.Packages,
            services = node.Bundle.Services.Select(s => new { unit = s.Unit, inputs = s.Inputs }),
            commands = node.Bundle.Commands,
            files = node.Bundle.Files.Select((f, i) => new { path = f.Path, mode = Convert.ToString(f.Mode, 8), owner = f.Owner, group = f.Group, secret = f.IsSecret, source = sources[i] }),
        };
        WriteText(Path.Combine(nodeDirectory, "bundle.json"), JsonSerializer.Serialize(manifest, Json) + "\n", 0b110_100_100);
        return (written + 2, secret + 1);
    }

    /// <summary>Writes each file several nodes share once, under DIR/shared/. Returns how many files were written and how many hold secrets.</summary>
    public static (int Files, int Secret) WriteShared(string outputDirectory, SharedFiles shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var secret = 0;
        foreach (var (location, file) in shared.Files)
        {
            WriteFile(Path.Combine(outputDirectory, location), file);
            secret += file.IsSecret ? 1 : 0;
        }
        return (shared.Count, secret);
    }

    private static void WriteFile(string path, BundleFile file) =>
        WriteText(path, file.Content, file.IsSecret ? file.Mode & 0b111_000_000 : file.Mode);

    /// <summary>Writes a file created with its final mode, so a secret is never readable by others, not even briefly.</summary>
    public static void WriteText(string path, string content, int mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw GridSpanException.HostUnsupported("render writes Unix file modes", "run GridSpan on Linux");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var unixMode = (UnixFileMode)mode;
        if (File.Exists(path))
        {
            File.Delete(path);
        }
        using (var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = unixMode }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
        File.SetUnixFileMode(path, unixMode);
    }
}
