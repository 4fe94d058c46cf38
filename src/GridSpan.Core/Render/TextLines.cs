using System.Text;
using GridSpan.Common.Quoting;

namespace GridSpan.Render;

/// <summary>
/// Builds config files line by line with "\n" line ends, whatever the platform. A line never holds a
/// control character, so a value with a line break can never split a line into two settings.
/// </summary>
internal sealed class TextLines
{
    private readonly StringBuilder _text = new();

    public TextLines Line(string line = "")
    {
        LineText.RequireSingleLine(line, "a rendered line");
        _text.Append(line).Append('\n');
        return this;
    }

    public TextLines Lines(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            Line(line);
        }
        return this;
    }

    public override string ToString() => _text.ToString();
}
