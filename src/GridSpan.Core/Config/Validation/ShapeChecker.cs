using System.Collections.Immutable;
using System.Globalization;
using GridSpan.Config.Shapes;
using GridSpan.Config.Yaml;

namespace GridSpan.Config.Validation;

/// <summary>
/// Checks a YAML tree against a <see cref="Shape"/>: types, ranges, allowed values, unknown,
/// missing and duplicate keys. Knows nothing about clusters; every error is collected, and a value
/// that fails is left out of the result so later checks do not trip over it again.
/// </summary>
internal sealed class ShapeChecker(ICollection<ConfigError> errors)
{
    public CheckedValue? Check(YamlNode node, Shape shape, string path) => shape switch
    {
        ObjectShape objectShape => CheckObject(node, objectShape, path),
        ListShape listShape => CheckList(node, listShape, path),
        StringShape stringShape => CheckString(node, stringShape, path),
        IntegerShape integerShape => CheckInteger(node, integerShape, path),
        BooleanShape booleanShape => CheckBoolean(node, booleanShape, path),
        _ => throw new InvalidOperationException($"unknown shape {shape.GetType().Name}"),
    };

    private CheckedObject? CheckObject(YamlNode node, ObjectShape shape, string path)
    {
        if (node is YamlScalar { IsNull: true } empty)
        {
            // `storage:` with nothing after it means "all defaults", like `storage: {}`.
            return CheckEntries(empty.Location, [], shape, path);
        }
        if (node is not YamlMapping mapping)
        {
            Add(node.Location, path, $"expected a mapping of keys to values, found {Describe(node)}",
                path.Length == 0
                    ? $"write the keys at the top level of the file, starting with {Example(shape)}"
                    : $"write the keys on indented lines below '{LastKey(path)}:', or inline as {{ {Example(shape)} }}");
            return null;
        }
        return CheckEntries(mapping.Location, mapping.Entries, shape, path);
    }

    private CheckedObject CheckEntries(SourceLocation location, ImmutableArray<YamlEntry> entries, ObjectShape shape, string path)
    {
        var fields = shape.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var written = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var hasUnknownKeys = false;
        var result = ImmutableArray.CreateBuilder<KeyValuePair<string, CheckedValue>>();
        foreach (var (keyNode, valueNode) in entries.Select(e => (e.Key, e.Value)))
        {
            if (keyNode is not YamlScalar { IsNull: false } keyScalar)
            {
                Add(keyNode.Location, path, "a key must be a plain name", $"use one of the keys allowed here: {KnownKeys(shape)}");
                continue;
            }
            var key = keyScalar.Text;
            var keyPath = KeyPaths.Child(path, key);
            if (seen.TryGetValue(key, out var first))
            {
                Add(keyScalar.Location, keyPath, $"duplicate key '{key}' (first given at line {first.Line}, column {first.Column})",
                    "remove one of the two; a key may appear only once in a mapping");
                continue;
            }
            seen[key] = keyScalar.Location;
            if (!fields.TryGetValue(key, out var field))
            {
                hasUnknownKeys = true;
                var nearest = NearestName.Find(key, fields.Keys);
                Add(keyScalar.Location, keyPath, $"unknown key '{key}'",
                    nearest is not null
                        ? $"did you mean '{nearest}'? The keys allowed here are: {KnownKeys(shape)}"
                        : $"remove it; the keys allowed here are: {KnownKeys(shape)}");
                continue;
            }
            written.Add(key);
            if (Check(valueNode, field.Shape, keyPath) is { } value)
            {
                result.Add(new(key, value));
            }
        }
        foreach (var field in shape.Fields.Where(f => f.Required && !seen.ContainsKey(f.Name)))
        {
            Add(location, KeyPaths.Child(path, field.Name), $"the required key '{field.Name}' is missing",
                $"add '{field.Name}:' here ({Lower(field.Shape.Description)})");
        }
        return new CheckedObject(location, path, shape, result.ToImmutable(), written.ToImmutable(), hasUnknownKeys);
    }

    private CheckedList? CheckList(YamlNode node, ListShape shape, string path)
    {
        if (node is YamlScalar { IsNull: true } empty)
        {
            return new CheckedList(empty.Location, path, []);
        }
        if (node is not YamlSequence sequence)
        {
            Add(node.Location, path, $"expected a list, found {Describe(node)}",
                "write the items as [a, b] or as lines starting with '- '");
            return null;
        }
        var items = ImmutableArray.CreateBuilder<CheckedValue>();
        for (var i = 0; i < sequence.Items.Length; i++)
        {
            if (Check(sequence.Items[i], shape.Items, KeyPaths.Item(path, i)) is { } item)
            {
                items.Add(item);
            }
        }
        return new CheckedList(sequence.Location, path, items.ToImmutable());
    }

    private CheckedString? CheckString(YamlNode node, StringShape shape, string path)
    {
        if (node is not YamlScalar { IsNull: false } scalar)
        {
            Add(node.Location, path, $"expected a text value, found {Describe(node)}", $"write {Lower(shape.Description)}");
            return null;
        }
        var text = scalar.Text;
        if (!shape.AllowedValues.IsDefaultOrEmpty && !shape.AllowedValues.Contains(text, StringComparer.Ordinal))
        {
            var nearest = NearestName.Find(text, shape.AllowedValues);
            var choices = string.Join(", ", shape.AllowedValues);
            Add(scalar.Location, path, $"'{text}' is not one of: {choices}",
                nearest is not null ? $"did you mean '{nearest}'?" : $"write one of: {choices}");
            return null;
        }
        if (shape.Pattern is { } pattern && !WholeValuePattern.IsMatch(pattern, text))
        {
            Add(scalar.Location, path, $"'{text}' does not have the expected form (the pattern {pattern})",
                $"write {Lower(shape.Description)}");
            return null;
        }
        return new CheckedString(scalar.Location, path, text);
    }

    private CheckedInteger? CheckInteger(YamlNode node, IntegerShape shape, string path)
    {
        var range = $"a whole number from {shape.Minimum} to {shape.Maximum}";
        if (node is not YamlScalar { IsNull: false } scalar
            || !long.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Add(node.Location, path, $"expected a whole number, found {Describe(node)}", $"write {range}");
            return null;
        }
        if (scalar.Quoted)
        {
            Add(node.Location, path, $"expected a whole number, found {Describe(node)}", $"remove the quotes: {value}");
            return null;
        }
        if (value < shape.Minimum || value > shape.Maximum)
        {
            Add(node.Location, path, $"{value} is out of range", $"write {range}");
            return null;
        }
        return new CheckedInteger(scalar.Location, path, value);
    }

    private CheckedBoolean? CheckBoolean(YamlNode node, BooleanShape shape, string path)
    {
        if (node is YamlScalar { Quoted: false } scalar)
        {
            switch (scalar.Text)
            {
                case "true" or "True" or "TRUE":
                    return new CheckedBoolean(scalar.Location, path, true);
                case "false" or "False" or "FALSE":
                    return new CheckedBoolean(scalar.Location, path, false);
            }
        }
        Add(node.Location, path, $"expected true or false, found {Describe(node)}", "write true or false (without quotes)");
        return null;
    }

    private void Add(SourceLocation location, string path, string problem, string fix) =>
        errors.Add(new ConfigError(location, path.Length == 0 ? "(root)" : path, problem, fix));

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalar scalar => scalar.Describe(),
        YamlSequence => "a list",
        YamlMapping => "a mapping",
        _ => "a value",
    };

    private static string KnownKeys(ObjectShape shape) => string.Join(", ", shape.Fields.Select(f => f.Name));

    /// <summary>`flavor: ...` for the shape's required keys, or its first key when none is required.</summary>
    private static string Example(ObjectShape shape)
    {
        var keys = shape.Fields.Where(f => f.Required).Select(f => f.Name).ToList();
        if (keys.Count == 0 && shape.Fields.Length > 0)
        {
            keys.Add(shape.Fields[0].Name);
        }
        return string.Join(", ", keys.Select(key => $"{key}: ..."));
    }

    private static string LastKey(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? path : path[(dot + 1)..];
    }

    private static string Lower(string description) =>
        description.Length == 0 ? description : char.ToLowerInvariant(description[0]) + description[1..].TrimEnd('.');
}
