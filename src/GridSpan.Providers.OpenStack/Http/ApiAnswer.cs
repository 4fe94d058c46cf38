using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Providers.OpenStack.Http;

/// <summary>
/// Reads the fields GridSpan needs out of an API's answer. An answer without them (a proxy's page,
/// a truncated body, another API version) becomes an error that names the service and the call,
/// never an unexplained exception from deep inside the JSON reader.
/// </summary>
internal static class ApiAnswer
{
    public static T Read<T>(string site, string service, string what, JsonElement? body, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (body is not { } json)
        {
            throw Malformed(site, service, what, "it had no JSON body");
        }
        try
        {
            return read(json);
        }
        catch (Exception failure) when (failure is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw Malformed(site, service, what, failure is KeyNotFoundException ? "a field it documents is missing" : failure.Message, failure);
        }
    }

    /// <summary>A string field that must be there and be a string.</summary>
    public static string RequiredText(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new InvalidOperationException($"the field '{name}' is null");

    public static GridSpanException Malformed(string site, string service, string what, string detail, Exception? inner = null) =>
        GridSpanException.Provider(site,
            $"{service} answered the request to {what} with a body GridSpan cannot read ({detail})",
            "check that the cloud's endpoint in clouds.yaml is the service itself and not a proxy or login page; if it is, report the answer to the cloud's operators",
            inner);
}
