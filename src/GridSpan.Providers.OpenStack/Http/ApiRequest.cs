using System.Text.Json.Nodes;

namespace GridSpan.Providers.OpenStack.Http;

/// <summary>One call to an OpenStack API.</summary>
/// <param name="Service">The service's name for messages (Nova, Neutron, ...).</param>
/// <param name="What">What the call does, for messages: "create server 'n1'".</param>
internal sealed record ApiRequest(string Service, HttpMethod Method, Uri Url, string What)
{
    public JsonNode? Body { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>When true a 404 answers null instead of failing (gets and deletes of things that may be gone).</summary>
    public bool NotFoundIsNull { get; init; }

    /// <summary>What to do about a 403 when the general advice (ask for another role) does not fit.</summary>
    public string? ForbiddenFix { get; init; }

    /// <summary>When true no token is sent (the token request itself).</summary>
    public bool Anonymous { get; init; }

    /// <summary>GET, HEAD, PUT and DELETE may be repeated safely; POST may not (it could create twice).</summary>
    public bool Idempotent => Method != HttpMethod.Post && Method != HttpMethod.Patch;
}
