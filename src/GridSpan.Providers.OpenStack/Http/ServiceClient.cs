using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridSpan.Providers.OpenStack.Http;

/// <summary>The shared plumbing of the typed service clients: one service, one base URL, its headers.</summary>
internal abstract class ServiceClient(ApiClient api, string service, Uri baseUrl, IReadOnlyDictionary<string, string>? headers = null)
{
    protected ApiClient Api { get; } = api;

    public string Service { get; } = service;

    public Uri BaseUrl { get; } = baseUrl;

    protected Uri Url(string relative) => new(BaseUrl.ToString().TrimEnd('/') + "/" + relative.TrimStart('/'));

    protected async Task<JsonElement> GetAsync(string relative, string what, CancellationToken cancellationToken) =>
        (await Api.SendAsync(new ApiRequest(Service, HttpMethod.Get, Url(relative), what) { Headers = headers }, cancellationToken).ConfigureAwait(false))!.Json;

    protected async Task<JsonElement?> GetOrNullAsync(string relative, string what, CancellationToken cancellationToken) =>
        (await Api.SendAsync(new ApiRequest(Service, HttpMethod.Get, Url(relative), what) { Headers = headers, NotFoundIsNull = true }, cancellationToken).ConfigureAwait(false))?.Body;

    protected async Task<JsonElement?> SendAsync(HttpMethod method, string relative, JsonNode? body, string what, CancellationToken cancellationToken) =>
        (await Api.SendAsync(new ApiRequest(Service, method, Url(relative), what) { Headers = headers, Body = body }, cancellationToken).ConfigureAwait(false))!.Body;

    /// <summary>Deletes; true when it existed, false when it was already gone.</summary>
    protected async Task<bool> DeleteAsync(string relative, string what, CancellationToken cancellationToken) =>
        await Api.SendAsync(new ApiRequest(Service, HttpMethod.Delete, Url(relative), what) { Headers = headers, NotFoundIsNull = true }, cancellationToken).ConfigureAwait(false) is not null;

    protected static string Escape(string value) => Uri.EscapeDataString(value);

    protected static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
