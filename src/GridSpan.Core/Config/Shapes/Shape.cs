using System.Collections.Immutable;

namespace GridSpan.Config.Shapes;

/// <summary>
/// Describes one value of the configuration format. The same shapes drive validation (the loader)
/// and the JSON Schema (`gridspan schema`), so the two never disagree. Providers describe their own
/// section with these too.
/// </summary>
public abstract record Shape(string Description);

/// <param name="AllowedValues">When not empty, the only accepted values.</param>
/// <param name="Pattern">A regular expression the whole value must match, or null.</param>
/// <param name="Format">A JSON Schema format hint ("cidr", "hostname", "path"), or null.</param>
public sealed record StringShape(
    string Description,
    ImmutableArray<string> AllowedValues = default,
    string? Pattern = null,
    string? Format = null) : Shape(Description);

public sealed record IntegerShape(string Description, long Minimum = 0, long Maximum = int.MaxValue) : Shape(Description);

public sealed record BooleanShape(string Description) : Shape(Description);

public sealed record ListShape(string Description, Shape Items) : Shape(Description);

public sealed record ObjectShape(string Description, ImmutableArray<Field> Fields) : Shape(Description);

/// <param name="Default">The value used when the key is absent, for documentation and the schema.</param>
public sealed record Field(string Name, Shape Shape, bool Required = false, object? Default = null);
