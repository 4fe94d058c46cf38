namespace GridSpan.Configure;

/// <summary>Quotes text for a POSIX shell, so paths and names from a bundle can never become shell syntax.</summary>
public static class ShellQuote
{
    public static string Quote(string text) =>
        text.Length > 0 && text.All(IsPlain)
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c, StringComparison.Ordinal);
}
