using System.Globalization;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Compute;

namespace GridSpan.Providers.OpenStack.Selection;

/// <summary>
/// Chooses a flavor: by id, by exact name, or by minimums written as `cpus>=2 ram>=4GiB` (either
/// part may be left out; ram in MiB or GiB). Among flavors meeting the minimums the smallest wins
/// (fewest CPUs, then least memory, then least disk, then name).
/// </summary>
public static class FlavorSelector
{
    public static bool IsMinimum(string wanted) => ReadMinimum(wanted) is not null;

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
        if (ReadMinimum(wanted) is not { } minimum)
        {
            return null;
        }
        if (minimum.Cpus == 0 && minimum.MemoryMiB == 0)
        {
            throw GridSpanException.InvalidConfig($"flavor '{wanted}' asks for nothing", "write e.g. 'cpus>=2 ram>=4GiB'");
        }
        return minimum;
    }

    /// <summary>
    /// The minimums as written, (0, 0) included. Reads `key>=value[unit]` parts left to right in one pass (no regular expression: a backtracking one
    /// took seconds on a hostile 121-character value). Null when the text is not made of such parts.
    /// </summary>
    public static (int Cpus, long MemoryMiB)? ReadMinimum(string text)
    {
        int cpus = 0, at = 0, parts = 0;
        long memory = 0;
        while (true)
        {
            SkipSpaces();
            if (at == text.Length)
            {
                return parts > 0 ? (cpus, memory) : null;
            }
            var key = Word();
            SkipSpaces();
            if (!Take(">="))
            {
                return null;
            }
            SkipSpaces();
            var digits = at;
            while (at < text.Length && char.IsAsciiDigit(text[at]))
            {
                at++;
            }
            // Nine digits keep the value inside an int; nobody asks for a billion CPUs.
            if (at == digits || at - digits > 9)
            {
                return null;
            }
            var value = long.Parse(text.AsSpan(digits, at - digits), CultureInfo.InvariantCulture);
            var afterValue = at;
            SkipSpaces();
            var unit = Word();
            if (unit.ToLowerInvariant() is not ("m" or "mib" or "g" or "gib"))
            {
                // Not a unit: the next part's key (or junk the next round refuses).
                at = afterValue;
                unit = "";
            }
            switch (key.ToLowerInvariant(), unit.ToLowerInvariant())
            {
                case ("cpus", ""):
                    cpus = (int)value;
                    break;
                case ("ram", "" or "m" or "mib"):
                    memory = value;
                    break;
                case ("ram", "g" or "gib"):
                    memory = value * 1024;
                    break;
                default:
                    return null;
            }
            parts++;
        }

        void SkipSpaces()
        {
            while (at < text.Length && char.IsWhiteSpace(text[at]))
            {
                at++;
            }
        }

        string Word()
        {
            var start = at;
            while (at < text.Length && char.IsAsciiLetter(text[at]))
            {
                at++;
            }
            return text[start..at];
        }

        bool Take(string token)
        {
            if (string.CompareOrdinal(text, at, token, 0, token.Length) != 0)
            {
                return false;
            }
            at += token.Length;
            return true;
        }
    }

    public static string Sample(IReadOnlyCollection<NovaFlavor> flavors) =>
        flavors.Count == 0 ? "the project sees no flavor"
            : "the project sees " + string.Join(", ", flavors.OrderBy(f => f.Cpus).ThenBy(f => f.MemoryMiB).Take(15)
                .Select(f => $"{f.Name} ({f.Cpus} CPU, {f.MemoryMiB} MiB)"));
}
