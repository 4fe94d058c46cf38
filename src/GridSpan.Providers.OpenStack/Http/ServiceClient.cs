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

    /// <summary>GETs and reads the answer with <paramref name="read"/>; an answer it cannot read is an error naming <paramref name="what"/>.</summary>
    protected async Task<T> GetAsync<T>(string relative, string what, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
        Read(what, (await Api.SendAsync(new ApiRequest(Service, HttpMethod.Get, Url(relative), what) { Headers = headers }, cancellationToken).ConfigureAwait(false))!.Body, read);

    protected async Task<JsonElement?> GetOrNullAsync(string relative, string what, CancellationToken cancellationToken) =>
        (await Api.SendAsync(new ApiRequest(Service, HttpMethod.Get, Url(relative), what) { Headers = headers, NotFoundIsNull = true }, cancellationToken).ConfigureAwait(false))?.Body;

    protected async Task<JsonElement?> SendAsync(HttpMethod method, string relative, JsonNode? body, string what, CancellationToken cancellationToken) =>
        (await Api.SendAsync(new ApiRequest(Service, method, Url(relative), what) { Headers = headers, Body = body }, cancellationToken).ConfigureAwait(false))!.Body;

    /// <summary>Deletes; true when it existed, false when it was already gone.</summary>
    protected async Task<bool> DeleteAsync(string relative, string what, CancellationToken cancellationToken) =>
        await Api.SendAsync(new ApiRequest(Service, HttpMethod.Delete, Url(relative), what) { Headers = headers, NotFoundIsNull = true }, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Reads an answer of the call <paramref name="what"/>; one without the documented fields is an error naming the call.</summary>
    protected T Read<T>(string what, JsonElement? body, Func<JsonElement, T> read) => ApiAnswer.Read(Api.Site, Service, what, body, read);

    protected static string RequiredText(JsonElement element, string name) => ApiAnswer.RequiredText(element, name);

    protected static string Escape(string value) => Uri.EscapeDataString(value);

    protected static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
