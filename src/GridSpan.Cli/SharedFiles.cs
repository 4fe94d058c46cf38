using GridSpan.Render;

namespace GridSpan.Cli;

/// <summary>
/// Where `render -o` puts the files that several of the rendered nodes have alike (same path,
/// content, mode and owner: slurm.conf, the munge key, mount units, known hosts...). Each is written
/// once, under <c>shared/&lt;path on the node&gt;</c>; a second variant of the same path (say the
/// routes script of another site) gets <c>.v2</c> appended, and so on, in the plan's order. Each
/// node's bundle.json names where every one of its files is, so writing a large cluster costs a
/// few files per node rather than every file of every node.
/// </summary>
public sealed class SharedFiles
{
    public const string DirectoryName = "shared";

    private readonly Dictionary<BundleFile, string> _locations;

    private SharedFiles(Dictionary<BundleFile, string> locations) => _locations = locations;

    /// <summary>Every shared file with its place relative to the output directory (shared/...), in the plan's order.</summary>
    public IEnumerable<(string Location, BundleFile File)> Files => _locations.Select(l => (l.Value, l.Key));

    public int Count => _locations.Count;

    public static SharedFiles Of(IReadOnlyList<RenderedNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var seen = new Dictionary<BundleFile, int>(SameFile.Instance);
        foreach (var file in nodes.SelectMany(n => n.Bundle.Files))
        {
            seen[file] = seen.GetValueOrDefault(file) + 1;
        }
        var locations = new Dictionary<BundleFile, string>(SameFile.Instance);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        // Dictionary enumeration follows insertion order while nothing is removed: the plan's order.
        foreach (var (file, count) in seen.Where(s => s.Value > 1))
        {
            var location = $"{DirectoryName}{file.Path}";
            for (var variant = 2; !taken.Add(location); variant++)
            {
                location = $"{DirectoryName}{file.Path}.v{variant}";
            }
            locations[file] = location;
        }
        return new SharedFiles(locations);
    }

    /// <summary>
    /// Files alike by value, hashed on their first and last 256 characters: hashing every node's whole
    /// slurm.conf (14 KB at 10,000 nodes, 140 MB in all) cost more than finding the shared files, and the
    /// ends still tell apart the files each node has of its own (host keys, /etc/hosts). Equal hashes
    /// are compared whole; the renderer hands shared content out as one string, which compares by reference.
    /// </summary>
    private sealed class SameFile : IEqualityComparer<BundleFile>
    {
        private const int Sample = 256;

        public static readonly SameFile Instance = new();

        public bool Equals(BundleFile? x, BundleFile? y) => EqualityComparer<BundleFile>.Default.Equals(x, y);

        public int GetHashCode(BundleFile file)
        {
            var content = file.Content.AsSpan();
            var ends = content.Length <= 2 * Sample
                ? string.GetHashCode(content)
                : HashCode.Combine(string.GetHashCode(content[..Sample]), string.GetHashCode(content[^Sample..]));
            return HashCode.Combine(file.Path, content.Length, ends, file.Mode, file.Owner, file.Group, file.IsSecret);
        }
    }

    /// <summary>Where a shared file is, relative to the output directory; null for a file only one node has.</summary>
    public string? LocationOf(BundleFile file) => _locations.GetValueOrDefault(file);
}
