using System.Text;

namespace GridSpan.Common.Quoting;

/// <summary>
/// A path in /etc/exports (exports(5)): every character other than letters, digits and `/._-+` is
/// written as a `\ooo` octal escape, so a space, `#` or `"` can neither end the path, start a
/// comment nor change the client list.
/// </summary>
public static class ExportsQuote
{
    public static string Path(string path)
    {
        LineText.RequireSingleLine(path, "an exported path");
        var quoted = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+')
            {
                quoted.Append(c);
                continue;
            }
            foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
            {
                quoted.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            }
        }
        return quoted.ToString();
    }
}
