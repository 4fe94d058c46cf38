using System.Globalization;
using System.Text;

namespace GridSpan.Hostile.Tests.Corpus;

/// <summary>Writes any string as a YAML double-quoted scalar, so a payload reaches GridSpan exactly as meant (NUL, escapes, newlines included).</summary>
internal static class YamlText
{
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when c < 0x20 || c >= 0x7f => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}
