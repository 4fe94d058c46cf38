using System.Globalization;
using System.Text;

namespace GridSpan.Config;

/// <summary>
/// Which characters may be shown to a person as they are. Error messages quote rejected values;
/// escaping the rest keeps a hostile value from moving the cursor, recolouring or clearing the terminal,
/// or forging lines of output.
/// </summary>
public static class PrintableText
{
    /// <summary>False for control, format, separator-of-lines and unassigned characters (a space is printable).</summary>
    public static bool IsPrintable(char c) => CharUnicodeInfo.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
        _ => true,
    };

    public static bool IsAllPrintable(string text) => text.All(IsPrintable);

    /// <summary>The text with every non-printable character written as an escape: \n, \t, \r, \0, \e or \uXXXX.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsAllPrintable(text))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                _ when IsPrintable(c) => c.ToString(),
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\0' => "\\0",
                '\u001b' => "\\e",
                _ => $"\\u{(int)c:X4}",
            });
        }
        return builder.ToString();
    }
}
