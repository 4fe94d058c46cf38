using System.Text.RegularExpressions;
using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GridSpan.Common.Quoting;

/// <summary>
/// Writes YAML documents in block style, so any text (quotes, `#`, `: `, line breaks, a leading `-`
/// or `*`) is read back exactly as it was given: a string is plain only when it matches a strict
/// pattern, double-quoted with escapes otherwise, and multi-line text is a literal block only when
/// YAML keeps every character of it. The one YAML writer of GridSpan: build the tree with
/// <see cref="Map"/>, <see cref="List"/>, <see cref="Text"/>, <see cref="Block"/> and
/// <see cref="Literal"/>, then <see cref="Write"/> it. It writes the text itself rather than through
/// YamlDotNet's emitter, which cost more than the rest of rendering 10,000 nodes' user data; the
/// tests read every form back with YamlDotNet and with PyYAML (cloud-init's parser).
/// </summary>
public static partial class YamlWriter
{
    private const int Indent = 2;

    /// <summary>The document, after the given comment lines (such as `#cloud-config`), with "\n" line ends.</summary>
    public static string Write(YamlNode root, params string[] leadingComments)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(leadingComments);
        var text = new StringBuilder(1024);
        foreach (var comment in leadingComments)
        {
            LineText.RequireSingleLine(comment, "a YAML comment");
            text.Append(comment.StartsWith('#') ? comment : "# " + comment).Append('\n');
        }
        if (root is YamlScalarNode || IsEmptyCollection(root))
        {
            WriteInline(text, root, 0);
            text.Append('\n');
        }
        else
        {
            WriteBlock(text, root, 0);
        }
        return text.ToString();
    }

    /// <summary>A non-empty mapping or sequence, each entry on its own lines at <paramref name="indent"/>.</summary>
    private static void WriteBlock(StringBuilder text, YamlNode node, int indent)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    text.Append(' ', indent);
                    WriteEntry(text, key, value, indent);
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    text.Append(' ', indent);
                    WriteItem(text, item, indent);
                }
                break;
            default:
                throw new ArgumentException($"cannot write a {node.GetType().Name}", nameof(node));
        }
    }

    /// <summary>`key: value` on a line already indented to <paramref name="indent"/>; a collection value goes below it.</summary>
    private static void WriteEntry(StringBuilder text, YamlNode key, YamlNode value, int indent)
    {
        if (key is not YamlScalarNode)
        {
            throw new ArgumentException("a mapping key must be text", nameof(key));
        }
        WriteInline(text, key, indent);
        text.Append(':');
        if (value is YamlScalarNode || IsEmptyCollection(value))
        {
            text.Append(' ');
            WriteInline(text, value, indent);
            text.Append('\n');
        }
        else
        {
            text.Append('\n');
            // Sequences under a key are indented too (as `indentSequences` does), like cloud-init's examples.
            WriteBlock(text, value, indent + Indent);
        }
    }

    /// <summary>`- item` on a line already indented to <paramref name="indent"/>; a mapping's first entry shares the dash's line.</summary>
    private static void WriteItem(StringBuilder text, YamlNode item, int indent)
    {
        text.Append("- ");
        switch (item)
        {
            case YamlMappingNode { Children.Count: > 0 } mapping:
                var first = true;
                foreach (var (key, value) in mapping.Children)
                {
                    if (!first)
                    {
                        text.Append(' ', indent + Indent);
                    }
                    WriteEntry(text, key, value, indent + Indent);
                    first = false;
                }
                break;
            case YamlSequenceNode { Children.Count: > 0 } sequence:
                text.Append('\n');
                WriteBlock(text, sequence, indent + Indent);
                break;
            default:
                WriteInline(text, item, indent);
                text.Append('\n');
                break;
        }
    }

    private static bool IsEmptyCollection(YamlNode node) =>
        node is YamlMappingNode { Children.Count: 0 } or YamlSequenceNode { Children.Count: 0 };

    /// <summary>A scalar or an empty collection, after a key or a dash; a literal block's lines go below, at <paramref name="indent"/> + 2.</summary>
    private static void WriteInline(StringBuilder text, YamlNode node, int indent)
    {
        switch (node)
        {
            case YamlMappingNode:
                text.Append("{}");
                break;
            case YamlSequenceNode:
                text.Append("[]");
                break;
            case YamlScalarNode scalar:
                var value = scalar.Value ?? "";
                if (scalar.Style == ScalarStyle.Plain)
                {
                    text.Append(value);
                }
                else if (scalar.Style == ScalarStyle.Literal && KeepsEveryCharacterAsLiteral(value))
                {
                    WriteLiteral(text, value, indent + Indent);
                }
                else
                {
                    WriteDoubleQuoted(text, value);
                }
                break;
            default:
                throw new ArgumentException($"cannot write a {node.GetType().Name}", nameof(node));
        }
    }

    /// <summary>`|` (one final line break kept) or `|-` (none), then each line at <paramref name="indent"/>; an empty line stays empty.</summary>
    private static void WriteLiteral(StringBuilder text, string value, int indent)
    {
        var endsWithBreak = value.EndsWith('\n');
        text.Append(endsWithBreak ? "|" : "|-").Append('\n');
        var body = endsWithBreak ? value.AsSpan(0, value.Length - 1) : value.AsSpan();
        foreach (var line in body.EnumerateLines())
        {
            if (!line.IsEmpty)
            {
                text.Append(' ', indent).Append(line);
            }
            text.Append('\n');
        }
        // The caller ends the line of a scalar; a literal block has ended its own.
        text.Length--;
    }

    /// <summary>
    /// A literal block keeps its text exactly only when every line is printable and unambiguous: no tab,
    /// carriage return or other control character, nothing YAML 1.1 reads as a line break (NEL, U+2028,
    /// U+2029), no leading space on the first line (it would set the indentation), no line ending in
    /// blanks, at most one final line break (`|` and `|-` cover that), and some text besides line breaks.
    /// </summary>
    private static bool KeepsEveryCharacterAsLiteral(string value)
    {
        if (value.AsSpan().TrimEnd('\n').IsEmpty || value[0] == ' ' || value.EndsWith("\n\n", StringComparison.Ordinal))
        {
            return false;
        }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\n')
            {
                if (i > 0 && value[i - 1] == ' ')
                {
                    return false;
                }
                continue;
            }
            if (IsSurrogatePair(value, i))
            {
                i++;
            }
            else if (!IsPrintable(c))
            {
                return false;
            }
        }
        return value[^1] != ' ';
    }

    private static void WriteDoubleQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (IsSurrogatePair(value, i))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\0': text.Append("\\0"); break;
                default:
                    if (IsPrintable(c))
                    {
                        text.Append(c);
                    }
                    else
                    {
                        text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    break;
            }
        }
        text.Append('"');
    }

    /// <summary>A character beyond U+FFFF (an emoji), written as itself: escaped as two \\u halves, PyYAML would read two lone surrogates.</summary>
    private static bool IsSurrogatePair(string value, int index) =>
        char.IsHighSurrogate(value[index]) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]);

    /// <summary>
    /// Characters YAML 1.1 takes as they are in any scalar: printable ASCII and Unicode beyond the C1
    /// controls, except the line breaks NEL, U+2028 and U+2029, the byte order mark, surrogates (a lone
    /// one cannot be written as UTF-8) and the two non-characters U+FFFE and U+FFFF.
    /// </summary>
    private static bool IsPrintable(char c) =>
        c is >= ' ' and <= '~' || (c >= '\u00A0' && c != '\u2028' && c != '\u2029' && c != '\uFEFF' && !char.IsSurrogate(c) && c < '\uFFFE');

    public static YamlMappingNode Map(params (string Key, YamlNode? Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                map.Add(Text(key), value);
            }
        }
        return map;
    }

    public static YamlSequenceNode List(IEnumerable<YamlNode> items)
    {
        // An empty one is written `[]`.
        return new YamlSequenceNode(items);
    }

    /// <summary>A string value: plain when YAML reads it back as the same string, double-quoted otherwise.</summary>
    public static YamlScalarNode Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new YamlScalarNode(value) { Style = PlainString().IsMatch(value) && !OtherType().IsMatch(value) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted };
    }

    /// <summary>Multi-line text (a key file) as a literal block, when YAML allows one for it.</summary>
    public static YamlScalarNode Block(string value) => new(value) { Style = ScalarStyle.Literal };

    /// <summary>A value of another type, written as given: `true`, `3`.</summary>
    public static YamlScalarNode Literal(bool value) => new(value ? "true" : "false") { Style = ScalarStyle.Plain };

    [GeneratedRegex(@"\A[A-Za-z_/][A-Za-z0-9_./@+-]*\z")]
    private static partial Regex PlainString();

    /// <summary>Words YAML 1.1 (which cloud-init's PyYAML follows) reads as booleans or null.</summary>
    [GeneratedRegex(@"\A(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)\z")]
    private static partial Regex OtherType();
}
