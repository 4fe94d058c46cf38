using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text;
using GridSpan.Config.Shapes;

namespace GridSpan.Config;

/// <summary>
/// The JSON Schema (draft-07, as yaml-language-server reads it) of cluster.yaml, generated from
/// <see cref="ClusterFormat"/> so it always matches what the loader accepts.
/// </summary>
public static class ClusterSchema
{
    /// <summary>What a host-name label must look like (JSON Schema's "hostname" format would allow dots and capitals).</summary>
    private const string HostLabelPattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

    public static string Generate(IProviderCatalog providers)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var root = ClusterFormat.Root(providers);
            writer.WriteStartObject();
            writer.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
            writer.WriteString("title", "GridSpan cluster.yaml");
            WriteShapeBody(writer, root, null, providers);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteShape(Utf8JsonWriter writer, Shape shape, object? defaultValue, IProviderCatalog providers)
    {
        writer.WriteStartObject();
        WriteShapeBody(writer, shape, defaultValue, providers);
        writer.WriteEndObject();
    }

    private static void WriteShapeBody(Utf8JsonWriter writer, Shape shape, object? defaultValue, IProviderCatalog providers)
    {
        writer.WriteString("description", shape.Description);
        switch (shape)
        {
            case StringShape s:
                writer.WriteString("type", "string");
                if (!s.AllowedValues.IsDefaultOrEmpty)
                {
                    writer.WriteStartArray("enum");
                    foreach (var value in s.AllowedValues)
                    {
                        writer.WriteStringValue(value);
                    }
                    writer.WriteEndArray();
                }
                if (s.Format == ClusterFormat.HostLabelFormat)
                {
                    writer.WriteString("pattern", HostLabelPattern);
                }
                else if (s.Pattern is not null)
                {
                    writer.WriteString("pattern", $"^(?:{s.Pattern})$");
                }
                break;
            case IntegerShape i:
                writer.WriteString("type", "integer");
                writer.WriteNumber("minimum", i.Minimum);
                writer.WriteNumber("maximum", i.Maximum);
                break;
            case BooleanShape:
                writer.WriteString("type", "boolean");
                break;
            case ListShape l:
                writer.WriteString("type", "array");
                writer.WritePropertyName("items");
                WriteShape(writer, l.Items, null, providers);
                break;
            case ObjectShape o:
                WriteObject(writer, o, providers);
                break;
            default:
                throw new InvalidOperationException($"unknown shape {shape.GetType().Name}");
        }
        if (defaultValue is not null)
        {
            writer.WritePropertyName("default");
            WriteValue(writer, defaultValue);
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, ObjectShape shape, IProviderCatalog providers)
    {
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        foreach (var field in shape.Fields)
        {
            writer.WritePropertyName(field.Name);
            WriteShape(writer, field.Shape, field.Default, providers);
        }
        writer.WriteEndObject();
        var required = shape.Fields.Where(f => f.Required).ToList();
        if (required.Count > 0)
        {
            writer.WriteStartArray("required");
            foreach (var field in required)
            {
                writer.WriteStringValue(field.Name);
            }
            writer.WriteEndArray();
        }
        writer.WriteBoolean("additionalProperties", false);
        WriteProviderSectionRules(writer, shape, providers);
    }

    /// <summary>On a site, only the section named by `provider:` is allowed.</summary>
    private static void WriteProviderSectionRules(Utf8JsonWriter writer, ObjectShape shape, IProviderCatalog providers)
    {
        var names = providers.Names.ToList();
        var isSite = shape.Fields.Any(f => f.Name == "provider") && names.All(n => shape.Fields.Any(f => f.Name == n));
        if (!isSite || names.Count < 2)
        {
            return;
        }
        writer.WriteStartArray("allOf");
        foreach (var name in names)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("if");
            writer.WriteStartObject("properties");
            writer.WriteStartObject("provider");
            writer.WriteString("const", name);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue("provider");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("then");
            writer.WriteStartObject("properties");
            foreach (var other in names.Where(n => n != name))
            {
                writer.WriteBoolean(other, false);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int or long:
                writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"a default of type {value.GetType().Name} cannot be written to the schema");
        }
    }
}
