using System.Globalization;
using System.Text.RegularExpressions;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Compute;

namespace GridSpan.Providers.OpenStack.Selection;

/// <summary>
/// Chooses a flavor: by id, by exact name, or by minimums written as `cpus>=2 ram>=4GiB` (either
/// part may be left out; ram in MiB or GiB). Among flavors meeting the minimums the smallest wins
/// (fewest CPUs, then least memory, then least disk, then name).
/// </summary>
public static partial class FlavorSelector
{
    public static bool IsMinimum(string wanted) => MinimumSyntax().IsMatch(wanted);

    public static NovaFlavor? Select(IReadOnlyCollection<NovaFlavor> flavors, string wanted)
    {
        ArgumentNullException.ThrowIfNull(flavors);
        ArgumentNullException.ThrowIfNull(wanted);
        if (ParseMinimum(wanted) is { } minimum)
        {
            return flavors.Where(f => f.Cpus >= minimum.Cpus && f.MemoryMiB >= minimum.MemoryMiB)
                .OrderBy(f => f.Cpus).ThenBy(f => f.MemoryMiB).ThenBy(f => f.DiskGiB).ThenBy(f => f.Name, StringComparer.Ordinal)
                .FirstOrDefault();
        }
        return flavors.FirstOrDefault(f => f.Id == wanted) ?? flavors.FirstOrDefault(f => f.Name == wanted);
    }

    /// <summary>The minimums of `cpus>=N ram>=M(MiB|GiB)`, or null when <paramref name="wanted"/> is a name.</summary>
    public static (int Cpus, long MemoryMiB)? ParseMinimum(string wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (!IsMinimum(wanted))
        {
            return null;
        }
        var cpus = 0;
        long memory = 0;
        foreach (Match part in MinimumPart().Matches(wanted))
        {
            var value = long.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (part.Groups["key"].Value.Equals("cpus", StringComparison.OrdinalIgnoreCase))
            {
                cpus = (int)value;
            }
            else
            {
                memory = part.Groups["unit"].Value.Equals("GiB", StringComparison.OrdinalIgnoreCase) || part.Groups["unit"].Value.Equals("G", StringComparison.OrdinalIgnoreCase)
                    ? value * 1024 : value;
            }
        }
        if (cpus == 0 && memory == 0)
        {
            throw GridSpanException.InvalidConfig($"flavor '{wanted}' asks for nothing", "write e.g. 'cpus>=2 ram>=4GiB'");
        }
        return (cpus, memory);
    }

    public static string Sample(IReadOnlyCollection<NovaFlavor> flavors) =>
        flavors.Count == 0 ? "the project sees no flavor"
            : "the project sees " + string.Join(", ", flavors.OrderBy(f => f.Cpus).ThenBy(f => f.MemoryMiB).Take(15)
                .Select(f => $"{f.Name} ({f.Cpus} CPU, {f.MemoryMiB} MiB)"));

    [GeneratedRegex(@"^\s*((cpus|ram)\s*>=\s*\d+\s*(MiB|GiB|M|G)?\s*)+$", RegexOptions.IgnoreCase)]
    private static partial Regex MinimumSyntax();

    [GeneratedRegex(@"(?<key>cpus|ram)\s*>=\s*(?<value>\d+)\s*(?<unit>MiB|GiB|M|G)?", RegexOptions.IgnoreCase)]
    private static partial Regex MinimumPart();
}
