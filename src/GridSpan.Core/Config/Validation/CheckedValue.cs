using System.Collections.Immutable;
using GridSpan.Config.Shapes;

namespace GridSpan.Config.Validation;

/// <summary>A value that has passed its shape's checks: the right type, known keys only.</summary>
internal abstract record CheckedValue(SourceLocation Location, string Path);

internal sealed record CheckedString(SourceLocation Location, string Path, string Value) : CheckedValue(Location, Path);

internal sealed record CheckedInteger(SourceLocation Location, string Path, long Value) : CheckedValue(Location, Path);

internal sealed record CheckedBoolean(SourceLocation Location, string Path, bool Value) : CheckedValue(Location, Path);

internal sealed record CheckedList(SourceLocation Location, string Path, ImmutableArray<CheckedValue> Items) : CheckedValue(Location, Path);

/// <param name="Fields">The keys that were present and valid, in file order.</param>
/// <param name="Written">Every known key the file gave, including those whose value was invalid.</param>
/// <param name="HasUnknownKeys">Whether the file gave keys the shape does not know (perhaps misspelt known ones).</param>
internal sealed record CheckedObject(
    SourceLocation Location,
    string Path,
    ObjectShape Shape,
    ImmutableArray<KeyValuePair<string, CheckedValue>> Fields,
    ImmutableHashSet<string> Written,
    bool HasUnknownKeys = false) : CheckedValue(Location, Path);
