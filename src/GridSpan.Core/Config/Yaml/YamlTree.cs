using System.Collections.Immutable;

namespace GridSpan.Config.Yaml;

/// <summary>
/// A YAML node with its position. The loader's own tree: unlike YamlDotNet's representation model
/// it keeps duplicate keys, so every duplicate can be reported instead of only the first.
/// </summary>
internal abstract record YamlNode(SourceLocation Location)
{
    /// <summary>How many nodes this one stands for with every alias expanded (saturating), to refuse alias bombs.</summary>
    public abstract long ExpandedSize { get; }

    protected static long Sum(IEnumerable<long> sizes) => sizes.Aggregate(1L, (total, size) => Math.Min(total + size, long.MaxValue / 4));
}

/// <param name="Quoted">True for single- or double-quoted (and block) scalars, which are always strings.</param>
internal sealed record YamlScalar(SourceLocation Location, string Text, bool Quoted) : YamlNode(Location)
{
    /// <summary>A plain empty, `~` or `null` scalar (YAML 1.2 core schema).</summary>
    public bool IsNull => !Quoted && Text is "" or "~" or "null" or "Null" or "NULL";

    public override long ExpandedSize => 1;

    public string Describe() => IsNull ? "nothing (null)" : Quoted ? $"the quoted string \"{Text}\"" : $"'{Text}'";
}

internal sealed record YamlSequence(SourceLocation Location, ImmutableArray<YamlNode> Items) : YamlNode(Location)
{
    public override long ExpandedSize { get; } = Sum(Items.Select(i => i.ExpandedSize));
}

internal sealed record YamlMapping(SourceLocation Location, ImmutableArray<YamlEntry> Entries) : YamlNode(Location)
{
    public override long ExpandedSize { get; } = Sum(Entries.Select(e => e.Key.ExpandedSize + e.Value.ExpandedSize));
}

internal sealed record YamlEntry(YamlNode Key, YamlNode Value);
