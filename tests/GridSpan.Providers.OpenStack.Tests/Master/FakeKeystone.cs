using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridSpan.Providers.OpenStack.Tests.Master;

/// <summary>
/// A hand-written Keystone (tokens and one user's application credentials) behind an
/// HttpMessageHandler. It records every request with its body, and keeps credentials as Keystone
/// does: names unique per user, the secret told only when created.
/// </summary>
internal sealed class FakeKeystone : HttpMessageHandler
{
    public const string AuthUrl = "http://keystone.test:5000/v3";
    public const string UserId = "u-alice";
    public const string ProjectId = "p-hpc";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Name, string Secret, string Project)> _credentials = new(StringComparer.Ordinal);
    private int _next;

    public List<(string Method, string Path, string? Body)> Requests { get; } = [];

    /// <summary>When true, creating a credential is refused (403), as for a restricted application credential.</summary>
    public bool ForbidsCreating { get; set; }

    /// <summary>When true, deletes answer 404 (the credential went away between list and delete).</summary>
    public bool DeletesFindNothing { get; set; }

    public IReadOnlyDictionary<string, string> CredentialNamesById
    {
        get
        {
            lock (_lock)
            {
                return _credentials.ToDictionary(c => c.Key, c => c.Value.Name, StringComparer.Ordinal);
            }
        }
    }

    public void AddCredential(string id, string name, string secret, string project = ProjectId)
    {
        lock (_lock)
        {
            _credentials[id] = (name, secret, project);
        }
    }

    public void RemoveCredential(string id)
    {
        lock (_lock)
        {
            _credentials.Remove(id);
        }
    }

    public IEnumerable<(string Method, string Path, string? Body)> CredentialRequests =>
        Requests.Where(r => r.Path.Contains("/application_credentials", StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.PathAndQuery;
        lock (_lock)
        {
            Requests.Add((request.Method.Method, path, body));
            return Answer(request.Method, request.RequestUri, body);
        }
    }

    private HttpResponseMessage Answer(HttpMethod method, Uri url, string? body)
    {
        var path = url.AbsolutePath;
        var credentials = $"/v3/users/{UserId}/application_credentials";
        if (method == HttpMethod.Post && path == "/v3/auth/tokens")
        {
            if (JsonNode.Parse(body!)!["auth"]!["identity"]!["application_credential"] is { } presented)
            {
                var id = presented["id"]!.GetValue<string>();
                if (!_credentials.TryGetValue(id, out var known))
                {
                    return Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["message"] = $"Could not find Application Credential: {id}." } });
                }
                if (known.Secret != presented["secret"]!.GetValue<string>())
                {
                    return Json(HttpStatusCode.Unauthorized, new JsonObject { ["error"] = new JsonObject { ["message"] = "The request you have made requires authentication." } });
                }
            }
            var response = Json(HttpStatusCode.Created, Token());
            response.Headers.Add("X-Subject-Token", "token-" + Guid.NewGuid().ToString("N"));
            return response;
        }
        if (method == HttpMethod.Post && path == credentials)
        {
            if (ForbidsCreating)
            {
                return Json(HttpStatusCode.Forbidden, new JsonObject { ["error"] = new JsonObject { ["message"] = "You are not authorized to perform the requested action: identity:create_application_credential." } });
            }
            var wanted = JsonNode.Parse(body!)!["application_credential"]!;
            var name = wanted["name"]!.GetValue<string>();
            if (_credentials.Values.Any(c => c.Name == name))
            {
                return Json(HttpStatusCode.Conflict, new JsonObject { ["error"] = new JsonObject { ["message"] = "Conflict occurred attempting to store application_credential - Duplicate name." } });
            }
            var id = $"ac{++_next}";
            var secret = $"secret-{_next}-{Guid.NewGuid():N}";
            _credentials[id] = (name, secret, ProjectId);
            return Json(HttpStatusCode.Created, new JsonObject
            {
                ["application_credential"] = new JsonObject { ["id"] = id, ["name"] = name, ["secret"] = secret, ["project_id"] = ProjectId },
            });
        }
        if (method == HttpMethod.Get && path == credentials)
        {
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            var list = new JsonArray([.. _credentials.Where(c => query["name"] is null || c.Value.Name == query["name"]).Select(c => (JsonNode)Describe(c.Key))]);
            return Json(HttpStatusCode.OK, new JsonObject { ["application_credentials"] = list });
        }
        if (path.StartsWith(credentials + "/", StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(path[(credentials.Length + 1)..]);
            if (!_credentials.ContainsKey(id) || (method == HttpMethod.Delete && DeletesFindNothing))
            {
                return Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["message"] = $"Could not find application credential: {id}." } });
            }
            if (method == HttpMethod.Get)
            {
                return Json(HttpStatusCode.OK, new JsonObject { ["application_credential"] = Describe(id) });
            }
            if (method == HttpMethod.Delete)
            {
                _credentials.Remove(id);
                return new HttpResponseMessage(HttpStatusCode.NoContent);
            }
        }
        return Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["message"] = $"no route for {method} {path}" } });
    }

    private JsonObject Describe(string id) =>
        new() { ["id"] = id, ["name"] = _credentials[id].Name, ["project_id"] = _credentials[id].Project, ["unrestricted"] = false };

    private static JsonObject Token()
    {
        JsonObject Service(string type, string url) => new()
        {
            ["type"] = type,
            ["endpoints"] = new JsonArray(new JsonObject { ["interface"] = "public", ["region_id"] = "RegionOne", ["url"] = url }),
        };
        return new JsonObject
        {
            ["token"] = new JsonObject
            {
                ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
                ["user"] = new JsonObject { ["id"] = UserId },
                ["project"] = new JsonObject { ["id"] = ProjectId },
                ["catalog"] = new JsonArray(
                    Service("compute", "http://nova.test:8774/v2.1"),
                    Service("network", "http://neutron.test:9696/v2.0"),
                    Service("image", "http://glance.test:9292")),
            },
        };
    }

    private static HttpResponseMessage Json(HttpStatusCode status, JsonNode body) => new(status)
    {
        Content = new StringContent(body.ToJsonString(JsonSerializerOptions.Default), Encoding.UTF8, "application/json"),
    };
}
