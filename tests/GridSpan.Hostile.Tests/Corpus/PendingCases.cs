using System.Collections.Immutable;

namespace GridSpan.Hostile.Tests.Corpus;

/// <summary>
/// pending.txt: cases that fail only because another item of issue 10 is not merged yet. Each line is
/// `NAME-OR-PREFIX*  item N: why`; the runner skips them and says so in the test output. Remove a line
/// once its item is merged: the case must then pass.
/// </summary>
internal sealed class PendingCases
{
    private readonly ImmutableArray<(string Pattern, string Reason)> _entries;

    private PendingCases(ImmutableArray<(string Pattern, string Reason)> entries) => _entries = entries;

    public static PendingCases Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "pending.txt");
        var entries = File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var space = l.IndexOfAny([' ', '\t']);
                return space < 0 ? (l, "") : (l[..space], l[space..].Trim());
            });
        return new PendingCases([.. entries]);
    }

    /// <returns>The reason, when the case is pending.</returns>
    public string? Find(string name) =>
        _entries.FirstOrDefault(e => e.Pattern.EndsWith('*') ? name.StartsWith(e.Pattern[..^1], StringComparison.Ordinal) : name == e.Pattern) is { Pattern: not null } entry
            ? entry.Reason
            : null;
}
