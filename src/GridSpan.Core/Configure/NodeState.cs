using System.Collections.Immutable;
using System.Globalization;
using GridSpan.Common;
using GridSpan.Render;

namespace GridSpan.Configure;

/// <summary>A bundle file as found on the node.</summary>
public sealed record ObservedFile(string Sha256, int Mode, string Owner, string Group);

/// <summary>A unit as found on the node: `systemctl is-enabled` and `is-active` in their own words.</summary>
public sealed record ObservedUnit(string Enabled, string Active)
{
    public bool Exists => Enabled is not ("" or "not-found");

    public bool IsMasked => Enabled.StartsWith("masked", StringComparison.Ordinal);

    /// <summary>States in which the unit starts at boot or cannot be enabled on its own (static, generated, aliases).</summary>
    public bool IsEnabled => Enabled is "enabled" or "enabled-runtime" or "static" or "indirect" or "generated" or "alias" or "transient";

    public bool IsActive => Active == "active";
}

/// <summary>
/// What a node has of its bundle, read in one round trip: each file's hash, mode and owner, which
/// packages are installed, each unit's state, and restarts owed from an interrupted earlier run.
/// </summary>
/// <param name="Files">Per bundle file (same order as the bundle), null when absent.</param>
/// <param name="Units">Per bundle service (same order as the bundle).</param>
public sealed record NodeState(
    ImmutableArray<ObservedFile?> Files,
    ImmutableHashSet<string> InstalledPackages,
    ImmutableArray<ObservedUnit> Units,
    bool HasSystemd,
    ImmutableHashSet<string> PendingRestarts,
    bool PendingDaemonReload)
{
    /// <summary>Parses the output of <see cref="NodeScripts.Inspect"/>; tab-separated lines keyed by a tag and the bundle index.</summary>
    public static NodeState Parse(NodeBundle bundle, string output)
    {
        var files = new ObservedFile?[bundle.Files.Length];
        var units = Enumerable.Repeat(new ObservedUnit("", ""), bundle.Services.Length).ToArray();
        var installed = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var pending = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var hasSystemd = true;
        var daemonReload = false;
        var complete = false;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            switch (fields[0])
            {
                case "F" when fields.Length == 6 && Index(fields[1], files.Length) is { } index:
                    files[index] = new ObservedFile(fields[2], ParseMode(fields[3]), fields[4], fields[5]);
                    break;
                case "P" when fields.Length == 3 && fields[2].StartsWith("ii", StringComparison.Ordinal):
                    installed.Add(fields[1]);
                    break;
                case "U" when fields.Length == 4 && Index(fields[1], units.Length) is { } index:
                    units[index] = new ObservedUnit(fields[2].Trim(), fields[3].Trim());
                    break;
                case "R" when fields.Length == 2:
                    pending.Add(fields[1]);
                    break;
                case "D":
                    daemonReload = true;
                    break;
                case "S" when fields.Length == 2 && fields[1] == "no-systemd":
                    hasSystemd = false;
                    break;
                case "END":
                    complete = true;
                    break;
                default:
                    break;
            }
        }
        if (!complete)
        {
            throw GridSpanException.Failed(
                $"node '{bundle.NodeName}': inspect: the node's answer was cut short",
                "the node needs a POSIX shell with coreutils (sha256sum, stat) and dpkg-query; check the image");
        }
        return new NodeState([.. files], installed.ToImmutable(), [.. units], hasSystemd, pending.ToImmutable(), daemonReload);
    }

    private static int? Index(string text, int count) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < count ? index : null;

    private static int ParseMode(string octal)
    {
        var mode = 0;
        foreach (var digit in octal)
        {
            mode = mode * 8 + (digit - '0');
        }
        return mode;
    }
}
