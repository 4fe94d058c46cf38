using System.Globalization;
using GridSpan.Common;

namespace GridSpan.Config;

/// <summary>
/// A flavor written as minimums, `cpus&gt;=2 ram&gt;=4GiB` (either part may be left out; ram in MiB or GiB), the
/// same for every provider whose clouds have many sizes: the provider picks the smallest size that meets them
/// (fewest CPUs, then least memory, then its own further order, then name).
/// </summary>
public static class FlavorMinimum
{
    public static bool Is(string flavor) => Read(flavor) is not null;

    /// <summary>Why <paramref name="flavor"/>, which looks like minimums (it holds `&gt;=`), cannot be read as such; null when it can or is a name.</summary>
    public static ValueProblem? Problem(string flavor)
    {
        ArgumentNullException.ThrowIfNull(flavor);
        return !flavor.Contains(">=", StringComparison.Ordinal)
            ? null
            : Read(flavor) switch
            {
                null => new ValueProblem($"'{flavor}' is neither a flavor name nor minimums GridSpan can read",
                    "write minimums as 'cpus>=2 ram>=4GiB' (ram in MiB or GiB), or a flavor's name"),
                (0, 0) => new ValueProblem($"flavor '{flavor}' asks for nothing", "write e.g. 'cpus>=2 ram>=4GiB'"),
                _ => null,
            };
    }

    /// <summary>The minimums of `cpus>=N ram>=M(MiB|GiB)`, or null when <paramref name="wanted"/> is a name.</summary>
    public static (int Cpus, long MemoryMiB)? Parse(string wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (Read(wanted) is not { } minimum)
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
    public static (int Cpus, long MemoryMiB)? Read(string text)
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
}
