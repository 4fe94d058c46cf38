using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using GridSpan.Common;

namespace GridSpan.Plan;

/// <summary>
/// Slurm hostlists: <c>demo-b-cpu-[001-003,007],demo-a-big-002</c>. <see cref="Format"/> compresses
/// names into one; <see cref="Parse"/> expands what Slurm passes to ResumeProgram and SuspendProgram.
/// </summary>
public static class Hostlist
{
    /// <summary>The largest number of names <see cref="Parse"/> expands, so a typo cannot exhaust memory.</summary>
    public const int MaxNames = 1_000_000;

    /// <summary>
    /// Compresses host names into a hostlist. Names ending in digits are grouped by prefix and digit
    /// count (zero padding is kept); duplicates are dropped; the result is sorted, so it is deterministic.
    /// </summary>
    public static string Format(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var groups = new SortedDictionary<(string Prefix, int Width), SortedSet<long>>();
        var plain = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var digits = 0;
            while (digits < name.Length && char.IsAsciiDigit(name[name.Length - 1 - digits]))
            {
                digits++;
            }
            if (digits == 0 || digits > 18)
            {
                plain.Add(name);
                continue;
            }
            var prefix = name[..^digits];
            var number = long.Parse(name.AsSpan(name.Length - digits), NumberStyles.None, CultureInfo.InvariantCulture);
            var key = (prefix, digits);
            if (!groups.TryGetValue(key, out var numbers))
            {
                numbers = [];
                groups[key] = numbers;
            }
            numbers.Add(number);
        }

        var parts = new List<(string SortKey, string Text)>();
        foreach (var name in plain)
        {
            parts.Add((name, name));
        }
        foreach (var ((prefix, width), numbers) in groups)
        {
            parts.Add((prefix + new string('0', width), FormatGroup(prefix, width, numbers)));
        }
        parts.Sort((a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
        return string.Join(',', parts.Select(p => p.Text));
    }

    private static string FormatGroup(string prefix, int width, SortedSet<long> numbers)
    {
        string Pad(long n) => n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        if (numbers.Count == 1)
        {
            return prefix + Pad(numbers.Min);
        }
        var ranges = new List<string>();
        long start = numbers.Min, end = start;
        foreach (var n in numbers.Skip(1))
        {
            if (n == end + 1)
            {
                end = n;
                continue;
            }
            ranges.Add(start == end ? Pad(start) : $"{Pad(start)}-{Pad(end)}");
            start = end = n;
        }
        ranges.Add(start == end ? Pad(start) : $"{Pad(start)}-{Pad(end)}");
        return $"{prefix}[{string.Join(',', ranges)}]";
    }

    /// <summary>
    /// Expands a hostlist into its names, in the order written. Accepts what Slurm writes: comma
    /// separated entries, each with zero or more bracket groups of numbers and ranges.
    /// </summary>
    /// <exception cref="GridSpanException">The text is not a valid hostlist.</exception>
    public static ImmutableArray<string> Parse(string hostlist)
    {
        ArgumentNullException.ThrowIfNull(hostlist);
        var result = ImmutableArray.CreateBuilder<string>();
        foreach (var entry in SplitTopLevel(hostlist))
        {
            var expanded = new List<string> { "" };
            var position = 0;
            while (position < entry.Length)
            {
                var open = entry.IndexOf('[', position);
                var literal = open < 0 ? entry[position..] : entry[position..open];
                if (literal.Contains(']', StringComparison.Ordinal))
                {
                    throw Invalid(hostlist, "a ']' has no matching '['");
                }
                for (var i = 0; i < expanded.Count; i++)
                {
                    expanded[i] += literal;
                }
                if (open < 0)
                {
                    break;
                }
                var close = entry.IndexOf(']', open);
                if (close < 0)
                {
                    throw Invalid(hostlist, "a '[' is never closed");
                }
                var numbers = ExpandRanges(hostlist, entry[(open + 1)..close]);
                if ((long)expanded.Count * numbers.Count + result.Count > MaxNames)
                {
                    throw Invalid(hostlist, $"it names more than {MaxNames} hosts");
                }
                expanded = [.. expanded.SelectMany(prefix => numbers.Select(number => prefix + number))];
                position = close + 1;
            }
            if (expanded.Exists(name => name.Length == 0))
            {
                throw Invalid(hostlist, "it contains an empty name");
            }
            result.AddRange(expanded);
        }
        return result.ToImmutable();
    }

    /// <summary>The comma-separated entries of a hostlist, brackets kept (for display: "a-[1-3],b" gives "a-[1-3]" and "b").</summary>
    public static ImmutableArray<string> Entries(string hostlist)
    {
        ArgumentNullException.ThrowIfNull(hostlist);
        return hostlist.Length == 0 ? [] : [.. SplitTopLevel(hostlist)];
    }

    private static List<string> SplitTopLevel(string hostlist)
    {
        var entries = new List<string>();
        var depth = 0;
        var current = new StringBuilder();
        foreach (var c in hostlist.Trim())
        {
            switch (c)
            {
                case '[':
                    depth++;
                    if (depth > 1)
                    {
                        throw Invalid(hostlist, "brackets are nested");
                    }
                    break;
                case ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    entries.Add(current.ToString());
                    current.Clear();
                    continue;
                default:
                    if (char.IsWhiteSpace(c) || char.IsControl(c))
                    {
                        throw Invalid(hostlist, "it contains white space");
                    }
                    break;
            }
            current.Append(c);
        }
        entries.Add(current.ToString());
        if (entries.Exists(e => e.Length == 0))
        {
            throw Invalid(hostlist, "it contains an empty entry (two commas, or a comma at an end)");
        }
        return entries;
    }

    private static List<string> ExpandRanges(string hostlist, string ranges)
    {
        var numbers = new List<string>();
        foreach (var range in ranges.Split(','))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            var low = dash < 0 ? range : range[..dash];
            var high = dash < 0 ? range : range[(dash + 1)..];
            if (!IsNumber(low) || !IsNumber(high))
            {
                throw Invalid(hostlist, $"'[{ranges}]' must hold numbers or ranges such as 001-005");
            }
            var from = long.Parse(low, NumberStyles.None, CultureInfo.InvariantCulture);
            var to = long.Parse(high, NumberStyles.None, CultureInfo.InvariantCulture);
            if (to < from)
            {
                throw Invalid(hostlist, $"the range '{range}' runs backwards");
            }
            if (to - from >= MaxNames)
            {
                throw Invalid(hostlist, $"the range '{range}' names more than {MaxNames} hosts");
            }
            for (var n = from; n <= to; n++)
            {
                numbers.Add(n.ToString(CultureInfo.InvariantCulture).PadLeft(low.Length, '0'));
            }
        }
        return numbers;
    }

    private static bool IsNumber(string text) => text.Length is > 0 and <= 18 && text.All(char.IsAsciiDigit);

    private static GridSpanException Invalid(string hostlist, string why) =>
        GridSpanException.Failed($"'{hostlist}' is not a Slurm hostlist: {why}",
            "pass names such as demo-site-cpu-[001-003,007],demo-site-big-002");
}
