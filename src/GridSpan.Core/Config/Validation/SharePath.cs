using System.Buffers;
using System.Collections.Immutable;

namespace GridSpan.Config.Validation;

/// <summary>
/// The grammar of a shared directory (`storage.shares`). A share becomes a shell argument, a line of
/// /etc/exports, a systemd mount unit's `Where=` and a mount point on every node, so it is a
/// normalised absolute path of plain characters: no shell, exports (`#`) or systemd (`%`)
/// metacharacters, no `//`, `.` or `..`, and outside the directories the system itself lives in.
/// </summary>
internal static class SharePath
{
    /// <summary>systemd unit names allow 255 characters and escape '-' as 4; this keeps every mount unit name short enough.</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// Directories a share may be neither equal to nor inside. Exported `rw,no_root_squash` and mounted
    /// on every node, a share there would either hide what the system needs to boot and run (programs,
    /// libraries, /proc, /sys, /dev, /run), or let root on any worker write the master's configuration,
    /// secrets and state: /etc (munge and WireGuard keys, sudoers, cron), /root, /var (GridSpan's state
    /// in /var/lib/gridspan, Slurm's spool, logs, cron spools), /boot, and the world-writable /tmp.
    /// </summary>
    public static ImmutableArray<string> SystemDirectories { get; } =
    [
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
        "/root", "/run", "/sbin", "/snap", "/sys", "/tmp", "/usr", "/var",
    ];

    private const string ExampleFix = "share a directory of its own, such as /home, /srv/data or /vol/spool";

    private static readonly SearchValues<char> SafeCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-");

    /// <summary>What is wrong with the path as a share (after "'path' ") and how to fix it; null when it is a valid share.</summary>
    public static (string Problem, string Fix)? Check(string path)
    {
        if (!path.StartsWith('/'))
        {
            return ("is not an absolute path", "write a path that starts with '/', such as /home or /vol/spool");
        }
        if (path.Length > MaxLength)
        {
            return ($"is {path.Length} characters long; a share may have at most {MaxLength}", "choose a shorter path");
        }
        if (path.AsSpan().IndexOfAnyExcept(SafeCharacters) is var index and >= 0)
        {
            return ($"holds the character {Describe(path[index])}, which a share may not hold",
                "use only letters, digits, '/', '.', '_', '+' and '-'");
        }
        if (Normalised(path) is var normalised && normalised != path)
        {
            return ("is not a normalised path (no '//', '.' or '..' parts, no '/' at the end)",
                normalised == "/" ? ExampleFix : $"write {normalised}");
        }
        if (path == "/")
        {
            return ("is the root directory: the master's whole file system would be exported to every node", ExampleFix);
        }
        if (SystemDirectoryOf(path) is { } system)
        {
            return (system == path
                    ? "is a system directory, which the master and every node need for themselves"
                    : $"lies inside the system directory {system}, which the master and every node need for themselves",
                ExampleFix);
        }
        return null;
    }

    /// <summary>The path with empty, `.` and trailing parts removed and `..` applied; "/" when nothing remains.</summary>
    public static string Normalised(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    break;
                case "..":
                    if (parts.Count > 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                    break;
                default:
                    parts.Add(part);
                    break;
            }
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>Whether <paramref name="inner"/> lies strictly inside <paramref name="outer"/> (both normalised).</summary>
    public static bool IsInside(string inner, string outer) =>
        inner.Length > outer.Length && inner.StartsWith(outer, StringComparison.Ordinal) && (outer == "/" || inner[outer.Length] == '/');

    private static string? SystemDirectoryOf(string path) =>
        SystemDirectories.FirstOrDefault(system => path == system || IsInside(path, system));

    private static string Describe(char c) =>
        c is >= ' ' and < (char)127 ? $"'{c}'" : $"U+{(int)c:X4}";
}
