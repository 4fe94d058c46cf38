using System.Collections.Immutable;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GridSpan.Config.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="YamlNode"/> tree with YamlDotNet's parser. Syntax
/// errors become <see cref="ConfigError"/>s with their position; no exception escapes.
/// </summary>
internal static partial class YamlTreeReader
{
    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>Far above any real cluster (20 sites of many groups is a few thousand values).</summary>
    private const long MaximumExpandedSize = 1_000_000;

    /// <summary>
    /// The deepest nesting of mappings and sequences (the root is level 1). A cluster file needs about 6;
    /// the limit keeps the recursive readers and checkers far from the end of the stack.
    /// </summary>
    public const int MaximumNesting = 64;

    public static YamlNode? Read(string text, string file, ICollection<ConfigError> errors)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                errors.Add(new ConfigError(new SourceLocation(file, 1, 1), "(file)", "the file is empty",
                    "start from examples/two-sites.yaml, or run 'gridspan schema' to see every key"));
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, anchors, errors, 1);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                errors.Add(new ConfigError(At(file, second.Start), "(file)", "the file holds more than one YAML document",
                    "keep one cluster per file and remove the '---' line and what follows it"));
                return null;
            }
            if (root.ExpandedSize > MaximumExpandedSize)
            {
                errors.Add(new ConfigError(root.Location, "(file)",
                    $"the file expands to more than {MaximumExpandedSize:N0} values through its aliases",
                    "write the values out instead of nesting aliases of aliases"));
                return null;
            }
            return root;
        }
        catch (NestingTooDeepException tooDeep)
        {
            errors.Add(new ConfigError(tooDeep.Location, "(file)", $"values nest more than {MaximumNesting} levels deep",
                "a cluster file needs a few levels only: check for unclosed or repeated '[' and '{'"));
            return null;
        }
        catch (YamlException exception)
        {
            var message = CleanMessage(exception.Message);
            var location = message.Contains("tab", StringComparison.Ordinal) && FirstTabIndent(text, file) is { } tab
                ? tab
                : At(file, exception.Start);
            errors.Add(SyntaxError(location, message));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16 throws this for some unterminated flow collections at the end of the file.
            var location = parser.Current is { } last ? At(file, last.End) : new SourceLocation(file, 1, 1);
            errors.Add(SyntaxError(location, "the file ends inside an unfinished value (a '{', '[' or quote that is never closed)"));
            return null;
        }
    }

    private static ConfigError SyntaxError(SourceLocation location, string message) =>
        new(location, "(file)", "this is not valid YAML: " + message,
            "check indentation (spaces, not tabs), colons after keys, and matching brackets and quotes near this position");

    /// <summary>YamlDotNet places some tab errors at the start of the enclosing mapping; the tab itself is more useful.</summary>
    private static SourceLocation? FirstTabIndent(string text, string file)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return new SourceLocation(file, i + 1, tab + 1);
            }
        }
        return null;
    }

    private static YamlNode ReadNode(IParser parser, string file, Dictionary<string, YamlNode> anchors, ICollection<ConfigError> errors, int level)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var anchored))
            {
                return anchored;
            }
            throw new YamlException(alias.Start, alias.End, $"the alias '*{alias.Value.Value}' refers to no anchor defined before it");
        }
        YamlNode node;
        AnchorName anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var quoted = scalar.Style is not ScalarStyle.Plain and not ScalarStyle.Any
                || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag);
            node = new YamlScalar(At(file, scalar.Start), scalar.Value, quoted);
            anchor = scalar.Anchor;
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            EnsureShallow(file, sequenceStart, level);
            var items = ImmutableArray.CreateBuilder<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, file, anchors, errors, level + 1));
            }
            node = new YamlSequence(At(file, sequenceStart.Start), items.ToImmutable());
            anchor = sequenceStart.Anchor;
        }
        else
        {
            var mappingStart = parser.Consume<MappingStart>();
            EnsureShallow(file, mappingStart, level);
            var entries = ImmutableArray.CreateBuilder<YamlEntry>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, file, anchors, errors, level + 1);
                var value = ReadNode(parser, file, anchors, errors, level + 1);
                entries.Add(new YamlEntry(key, value));
            }
            node = new YamlMapping(At(file, mappingStart.Start), entries.ToImmutable());
            anchor = mappingStart.Anchor;
        }
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
        return node;
    }

    private static void EnsureShallow(string file, ParsingEvent start, int level)
    {
        if (level > MaximumNesting)
        {
            throw new NestingTooDeepException(At(file, start.Start));
        }
    }

    /// <summary>Stops reading at the first level too deep; never leaves this class.</summary>
    private sealed class NestingTooDeepException(SourceLocation location) : Exception
    {
        public SourceLocation Location { get; } = location;
    }

    private static SourceLocation At(string file, Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    /// <summary>YamlDotNet prefixes its messages with the position, which our location already gives.</summary>
    private static string CleanMessage(string message)
    {
        var text = PositionPrefix().Replace(message, "").Trim();
        return text.TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
