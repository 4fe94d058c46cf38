using System.Globalization;
using System.Text;

namespace GridSpan.Common.Quoting;

/// <summary>
/// Values in systemd unit files: `%` starts a specifier (systemd.unit(5)) and is doubled, a line
/// break would start a new setting and is refused; unit names of paths follow `systemd-escape --path`.
/// </summary>
public static class SystemdQuote
{
    /// <summary>A setting's value, read back by systemd exactly as given.</summary>
    public static string Value(string value)
    {
        LineText.RequireSingleLine(value, "a systemd unit value");
        return value.Replace("%", "%%", StringComparison.Ordinal);
    }

    /// <summary>The unit name of a path, as `systemd-escape --path --suffix=<paramref name="suffix"/>` gives it.</summary>
    public static string PathUnitName(string path, string suffix)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0)
        {
            return "-." + suffix;
        }
        var name = new StringBuilder();
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c == '/')
            {
                name.Append('-');
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is ':' or '_' || (c == '.' && i > 0))
            {
                name.Append(c);
            }
            else
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    name.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
                }
            }
        }
        return name.Append('.').Append(suffix).ToString();
    }
}
