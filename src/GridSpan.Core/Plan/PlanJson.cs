using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridSpan.Common;

namespace GridSpan.Plan;

/// <summary>The plan as JSON: indented, camelCase, "\n" line ends, properties in declaration order, so equal plans give equal bytes.</summary>
public static partial class PlanJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        // The serialization code is generated at build time (PlanJsonContext): the plan of 10,000 nodes
        // is 5 MB of JSON, and reflection-based serialization spent a third of a second getting ready.
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            NewLine = "\n",
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new AddressConverter(), new NetworkConverter() },
            TypeInfoResolver = PlanJsonContext.Default,
        };
        options.MakeReadOnly();
        return options;
    }

    public static string Serialize(ClusterPlan plan) => JsonSerializer.Serialize(plan, Options) + "\n";

    /// <exception cref="GridSpanException">The text is not a plan of this format.</exception>
    public static ClusterPlan Deserialize(string json)
    {
        try
        {
            var plan = JsonSerializer.Deserialize<ClusterPlan>(json, Options) ?? throw new JsonException("the document is null");
            if (plan.FormatVersion != ClusterPlan.CurrentFormatVersion)
            {
                throw GridSpanException.Failed($"the plan has format version {plan.FormatVersion}; this GridSpan reads version {ClusterPlan.CurrentFormatVersion}",
                    "plan the cluster again with this version of GridSpan");
            }
            return plan;
        }
        catch (JsonException e)
        {
            throw GridSpanException.Failed($"the plan is not valid JSON of GridSpan's plan format: {e.Message}", "plan the cluster again", e);
        }
    }

    [JsonSerializable(typeof(ClusterPlan))]
    private sealed partial class PlanJsonContext : JsonSerializerContext;

    private sealed class AddressConverter : JsonConverter<IPAddress>
    {
        public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IPAddress.TryParse(reader.GetString(), out var address) ? address : throw new JsonException($"'{reader.GetString()}' is not an IP address");

        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    private sealed class NetworkConverter : JsonConverter<IPNetwork>
    {
        public override IPNetwork Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IPNetwork.TryParse(reader.GetString(), out var network) ? network : throw new JsonException($"'{reader.GetString()}' is not a network");

        public override void Write(Utf8JsonWriter writer, IPNetwork value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
