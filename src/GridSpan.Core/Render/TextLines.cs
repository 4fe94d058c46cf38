using System.Text;

namespace GridSpan.Render;

/// <summary>Builds config files line by line with "\n" line ends, whatever the platform.</summary>
internal sealed class TextLines
{
    private readonly StringBuilder _text = new();

    public TextLines Line(string line = "")
    {
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
