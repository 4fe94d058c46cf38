using System.Text.Json;
using GridSpan.Config;
using GridSpan.Config.Shapes;

namespace GridSpan.Core.Tests.Config;

public sealed class ClusterSchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(ClusterSchema.Generate(FakeProviders.Registry)).RootElement;

    private static JsonElement Site => Schema.GetProperty("properties").GetProperty("sites").GetProperty("items");

    [Fact]
    public void The_schema_is_draft_07_json_describing_an_object()
    {
        Assert.Equal("http://json-schema.org/draft-07/schema#", Schema.GetProperty("$schema").GetString());
        Assert.Equal("object", Schema.GetProperty("type").GetString());
        Assert.Equal(["name", "sites"], Schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Every_key_of_every_shape_appears_with_a_description()
    {
        var missing = new List<string>();
        Walk(ClusterFormat.Root(FakeProviders.Registry), Schema, "", missing);

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_object_forbids_unknown_keys()
    {
        var objects = Objects(Schema).ToList();

        Assert.True(objects.Count >= 10, $"only {objects.Count} objects found");
        Assert.All(objects, o => Assert.False(o.GetProperty("additionalProperties").GetBoolean()));
    }

    [Fact]
    public void Defaults_and_allowed_values_are_documented()
    {
        var overlay = Schema.GetProperty("properties").GetProperty("overlay").GetProperty("properties");
        Assert.Equal("wireguard", overlay.GetProperty("kind").GetProperty("default").GetString());
        Assert.Equal(["wireguard", "ipsec", "vxlan"], overlay.GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("10.99.0.0/24", overlay.GetProperty("cidr").GetProperty("default").GetString());

        var group = Site.GetProperty("properties").GetProperty("workers").GetProperty("items").GetProperty("properties");
        Assert.Equal(0, group.GetProperty("onDemand").GetProperty("default").GetInt32());
        Assert.Equal("debian-12", group.GetProperty("image").GetProperty("default").GetString());
        Assert.Equal(10_000, group.GetProperty("count").GetProperty("maximum").GetInt32());

        var shares = Schema.GetProperty("properties").GetProperty("storage").GetProperty("properties").GetProperty("shares");
        Assert.Equal(["/home"], shares.GetProperty("default").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(300, Schema.GetProperty("properties").GetProperty("slurm").GetProperty("properties").GetProperty("suspendTime").GetProperty("default").GetInt32());
        Assert.Equal("root", Schema.GetProperty("properties").GetProperty("ssh").GetProperty("properties").GetProperty("user").GetProperty("default").GetString());
    }

    [Fact]
    public void Names_carry_the_host_label_pattern()
    {
        Assert.Equal("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", Site.GetProperty("properties").GetProperty("name").GetProperty("pattern").GetString());
    }

    [Fact]
    public void Each_provider_has_its_section_and_only_its_own_is_allowed()
    {
        var properties = Site.GetProperty("properties");
        Assert.Equal(["cloud", "lab"], properties.GetProperty("provider").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["region"], properties.GetProperty("cloud").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1500, properties.GetProperty("lab").GetProperty("properties").GetProperty("mtu").GetProperty("default").GetInt32());

        var rules = Site.GetProperty("allOf").EnumerateArray()
            .ToDictionary(
                r => r.GetProperty("if").GetProperty("properties").GetProperty("provider").GetProperty("const").GetString()!,
                r => r.GetProperty("then").GetProperty("properties").EnumerateObject().Select(p => (p.Name, p.Value.GetBoolean())).ToList());
        Assert.Equal([("lab", false)], rules["cloud"]);
        Assert.Equal([("cloud", false)], rules["lab"]);
    }

    [Fact]
    public void The_schema_is_the_same_every_time()
    {
        Assert.Equal(ClusterSchema.Generate(FakeProviders.Registry), ClusterSchema.Generate(FakeProviders.Registry));
    }

    private static void Walk(Shape shape, JsonElement element, string path, List<string> missing)
    {
        if (!element.TryGetProperty("description", out var description) || description.GetString() != shape.Description)
        {
            missing.Add($"{path}: description");
        }
        switch (shape)
        {
            case ObjectShape o:
                foreach (var field in o.Fields)
                {
                    if (element.GetProperty("properties").TryGetProperty(field.Name, out var child))
                    {
                        Walk(field.Shape, child, $"{path}.{field.Name}", missing);
                    }
                    else
                    {
                        missing.Add($"{path}.{field.Name}");
                    }
                }
                break;
            case ListShape l:
                Walk(l.Items, element.GetProperty("items"), path + "[]", missing);
                break;
        }
    }

    private static IEnumerable<JsonElement> Objects(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }
        if (element.TryGetProperty("type", out var type) && type.GetString() == "object")
        {
            yield return element;
        }
        foreach (var property in element.EnumerateObject())
        {
            var children = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToList() : [property.Value];
            foreach (var found in children.SelectMany(Objects))
            {
                yield return found;
            }
        }
    }
}
