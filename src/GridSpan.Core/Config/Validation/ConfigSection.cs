using System.Collections.Immutable;
using GridSpan.Config.Shapes;

namespace GridSpan.Config.Validation;

/// <summary>
/// A checked mapping, read by key. Asking for a key its shape does not declare is a programming
/// error and throws, so a misspelt key in code cannot silently read nothing.
/// </summary>
internal sealed class ConfigSection : IConfigSection
{
    private readonly CheckedObject _object;
    private readonly ImmutableDictionary<string, CheckedValue> _values;

    public ConfigSection(CheckedObject checkedObject)
    {
        _object = checkedObject;
        _values = checkedObject.Fields.ToImmutableDictionary(StringComparer.Ordinal);
    }

    public string KeyPath => _object.Path;

    public SourceLocation Location => _object.Location;

    public bool Has(string key) => Value(key) is not null;

    public string? GetString(string key) => (Value(key) as CheckedString)?.Value;

    public long? GetInteger(string key) => (Value(key) as CheckedInteger)?.Value;

    public bool? GetBoolean(string key) => (Value(key) as CheckedBoolean)?.Value;

    public ImmutableArray<string> GetStrings(string key) =>
        [.. StringItems(key).Select(item => item.Value)];

    public IConfigSection? GetSection(string key) => Section(key);

    public SourceLocation LocationOf(string key) => Value(key)?.Location ?? Location;

    public string PathOf(string key) => KeyPaths.Child(KeyPath, FieldOf(key).Name);

    public ConfigSection? Section(string key) => Value(key) is CheckedObject checkedObject ? new ConfigSection(checkedObject) : null;

    /// <summary>The section, or an empty one (all defaults) when the key is absent or invalid.</summary>
    public ConfigSection SectionOrEmpty(string key) =>
        Section(key) ?? new ConfigSection(new CheckedObject(Location, PathOf(key), (ObjectShape)FieldOf(key).Shape, [], []));

    /// <summary>Whether the file gave the key, even with a value that failed its shape.</summary>
    public bool WasWritten(string key)
    {
        FieldOf(key);
        return _object.Written.Contains(key);
    }

    /// <summary>Whether the section's shape has this key at all (providers' sections differ).</summary>
    public bool Declares(string key) => _object.Shape.Fields.Any(f => f.Name == key);

    /// <summary>Whether the mapping held keys its shape does not know (already reported).</summary>
    public bool HasUnknownKeys => _object.HasUnknownKeys;

    /// <summary>Whether the key was given but its value failed its shape (and was reported).</summary>
    public bool IsInvalid(string key) => WasWritten(key) && !Has(key);

    /// <summary>The valid items of a list of mappings; empty when the key is absent.</summary>
    public ImmutableArray<ConfigSection> Sections(string key) =>
        Value(key) is CheckedList list ? [.. list.Items.OfType<CheckedObject>().Select(o => new ConfigSection(o))] : [];

    /// <summary>The valid items of a list of strings, each with its position; empty when the key is absent.</summary>
    public ImmutableArray<CheckedString> StringItems(string key) =>
        Value(key) is CheckedList list ? [.. list.Items.OfType<CheckedString>()] : [];

    /// <summary>Whether the key was written at all, even with an invalid value.</summary>
    public CheckedValue? Value(string key)
    {
        FieldOf(key);
        return _values.GetValueOrDefault(key);
    }

    /// <summary>The value, or the default its shape declares.</summary>
    public string StringOrDefault(string key) =>
        GetString(key) ?? FieldOf(key).Default as string ?? throw NoDefault(key);

    public long IntegerOrDefault(string key) =>
        GetInteger(key) ?? (FieldOf(key).Default is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : throw NoDefault(key));

    public bool BooleanOrDefault(string key) =>
        GetBoolean(key) ?? FieldOf(key).Default as bool? ?? throw NoDefault(key);

    /// <summary>The list's valid items, or the shape's default list when the key is absent.</summary>
    public ImmutableArray<string> StringsOrDefault(string key) =>
        Value(key) is not null ? GetStrings(key) : [.. (FieldOf(key).Default as IEnumerable<string>) ?? throw NoDefault(key)];

    private Field FieldOf(string key) =>
        _object.Shape.Fields.FirstOrDefault(f => f.Name == key)
        ?? throw new InvalidOperationException($"'{key}' is not a key of {KeyPath} in its shape");

    private InvalidOperationException NoDefault(string key) => new($"{PathOf(key)} has no default in its shape");
}
