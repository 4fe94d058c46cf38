using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace GridSpan.Common.Quoting;

/// <summary>
/// Writes YAML documents through YamlDotNet's emitter, so any text (quotes, `#`, `: `, line breaks,
/// a leading `-` or `*`) is read back exactly as it was given. The one YAML writer of GridSpan:
/// build the tree with <see cref="Map"/>, <see cref="List"/>, <see cref="Text"/>, <see cref="Block"/>
/// and <see cref="Literal"/>, then <see cref="Write"/> it.
/// </summary>
public static partial class YamlWriter
{
    /// <summary>The document, after the given comment lines (such as `#cloud-config`), with "\n" line ends.</summary>
    public static string Write(YamlNode root, params string[] leadingComments)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(leadingComments);
        using var text = new StringWriter { NewLine = "\n" };
        foreach (var comment in leadingComments)
        {
            LineText.RequireSingleLine(comment, "a YAML comment");
            text.Write(comment.StartsWith('#') ? comment : "# " + comment);
            text.Write('\n');
        }
        var emitter = new Emitter(text, new EmitterSettings(2, int.MaxValue, false, 1024, indentSequences: true, newLine: "\n"));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        Emit(emitter, root);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

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
        var list = new YamlSequenceNode(items);
        if (list.Children.Count == 0)
        {
            list.Style = SequenceStyle.Flow;
        }
        return list;
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

    private static void Emit(IEmitter emitter, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                var value = scalar.Value ?? "";
                emitter.Emit(new Scalar(null, null, value, scalar.Style, scalar.Style == ScalarStyle.Plain, true));
                break;
            case YamlSequenceNode sequence:
                emitter.Emit(new SequenceStart(null, null, true, sequence.Style));
                foreach (var item in sequence.Children)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case YamlMappingNode mapping:
                emitter.Emit(new MappingStart(null, null, true, mapping.Style));
                foreach (var (key, value2) in mapping.Children)
                {
                    Emit(emitter, key);
                    Emit(emitter, value2);
                }
                emitter.Emit(new MappingEnd());
                break;
            default:
                throw new ArgumentException($"cannot write a {node.GetType().Name}", nameof(node));
        }
    }

    [GeneratedRegex(@"\A[A-Za-z_/][A-Za-z0-9_./@+-]*\z")]
    private static partial Regex PlainString();

    /// <summary>Words YAML 1.1 (which cloud-init's PyYAML follows) reads as booleans or null.</summary>
    [GeneratedRegex(@"\A(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)\z")]
    private static partial Regex OtherType();
}
