using System.Text;
using System.Text.RegularExpressions;

namespace GridSpan.Config.Validation;

/// <summary>Names that become parts of host names must be DNS labels (RFC 1123), lowercase.</summary>
internal static partial class HostLabel
{
    public const int MaxLength = 63;

    public static bool IsValid(string text) => text.Length <= MaxLength && Pattern().IsMatch(text);

    /// <summary>A valid label close to the given text, for the fix hint; null when nothing sensible remains.</summary>
    public static string? Suggest(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-');
        }
        var suggestion = Hyphens().Replace(builder.ToString(), "-").Trim('-');
        if (suggestion.Length > MaxLength)
        {
            suggestion = suggestion[..MaxLength].TrimEnd('-');
        }
        return suggestion.Length > 0 && IsValid(suggestion) ? suggestion : null;
    }

    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("-{2,}")]
    private static partial Regex Hyphens();
}
