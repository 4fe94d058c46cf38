using System.Text.Json;
using System.Text.RegularExpressions;

namespace GridSpan.Providers.OpenStack.Http;

/// <summary>Reads the cloud's own explanation out of an error body, whichever service sent it.</summary>
internal static partial class ApiFault
{
    /// <summary>
    /// Nova: {"forbidden": {"message": ...}}; Neutron: {"NeutronError": {"type": ..., "message": ...}};
    /// Keystone: {"error": {"message": ...}}; Glance and proxies: text or HTML.
    /// </summary>
    public static string MessageOf(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(no message)";
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            if (FindMessage(document.RootElement, 0) is { Length: > 0 } message)
            {
                return message.Trim();
            }
        }
        catch (JsonException)
        {
        }
        var text = Tags().Replace(body, " ");
        text = Spaces().Replace(System.Net.WebUtility.HtmlDecode(text), " ").Trim();
        return text.Length > 500 ? text[..500] + "…" : text;
    }

    /// <summary>Neutron's fault type (OverQuota, PortInUse, ...), or null.</summary>
    public static string? NeutronType(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("NeutronError", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("type", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FindMessage(JsonElement element, int depth)
    {
        if (depth > 3)
        {
            return null;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var name in new[] { "message", "faultstring", "title" })
                {
                    if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        var detail = element.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String && d.GetString() is { Length: > 0 } dt ? " " + dt : "";
                        return value.GetString() + detail;
                    }
                }
                foreach (var property in element.EnumerateObject())
                {
                    if (FindMessage(property.Value, depth + 1) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FindMessage(item, depth + 1) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
