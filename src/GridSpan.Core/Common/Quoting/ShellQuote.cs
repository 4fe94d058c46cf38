namespace GridSpan.Common.Quoting;

/// <summary>
/// Quotes text for a POSIX shell, so paths and names from a bundle or a cluster.yaml can never become
/// shell syntax: plain words stay as they are, anything else is single-quoted (inside which only `'`
/// is special, written as `'\''`). The one shell quoter of GridSpan.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && text.All(IsPlain)
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c, StringComparison.Ordinal);
}
