using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Http;

namespace GridSpan.Providers.OpenStack.Identity;

/// <summary>
/// A Keystone v3 token for one cloud entry, with its service catalog and project, renewed before
/// it expires (or after a 401). The token lives only in memory.
/// </summary>
internal sealed class KeystoneSession : IDisposable
{
    private readonly CloudConfig _cloud;
    private readonly ApiClient _api;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    public KeystoneSession(CloudConfig cloud, ApiClient api)
    {
        _cloud = cloud;
        _api = api;
        _api.TokenSource = TokenAsync;
    }

    public ServiceCatalog Catalog { get; private set; } = new([]);

    public string ProjectId { get; private set; } = "";

    public string UserId { get; private set; } = "";

    public async ValueTask<string> TokenAsync(bool renew, CancellationToken cancellationToken)
    {
        if (!renew && _token is not null && DateTimeOffset.UtcNow < _expires)
        {
            return _token;
        }
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!renew && _token is not null && DateTimeOffset.UtcNow < _expires)
            {
                return _token;
            }
            var what = $"authenticate as {_cloud.Credentials}";
            var response = await _api.SendAsync(new ApiRequest("Keystone", HttpMethod.Post, TokensUrl(_cloud.AuthUrl), what)
            {
                Body = AuthBody(_cloud),
                Anonymous = true,
            }, cancellationToken).ConfigureAwait(false);
            var subjectToken = response!.SubjectToken ?? throw ApiAnswer.Malformed(_api.Site, "Keystone", what, "it had no X-Subject-Token header");
            (Catalog, ProjectId, UserId, var expires) = ApiAnswer.Read(_api.Site, "Keystone", what, response.Body, body =>
            {
                var token = body.GetProperty("token");
                return (
                    ServiceCatalog.FromToken(token),
                    token.TryGetProperty("project", out var project) ? project.GetProperty("id").GetString() ?? "" : "",
                    token.GetProperty("user").GetProperty("id").GetString() ?? "",
                    token.TryGetProperty("expires_at", out var e) && e.GetString() is { } text
                        ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                        : DateTimeOffset.UtcNow.AddHours(1));
            });
            _expires = expires - TimeSpan.FromMinutes(5);
            _token = subjectToken;
            return _token;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    internal static Uri TokensUrl(Uri authUrl) => new(KeystoneClient.IdentityUrl(authUrl) + "/auth/tokens");

    internal static JsonObject AuthBody(CloudConfig cloud)
    {
        var c = cloud.Credentials;
        JsonObject identity;
        JsonObject? scope = null;
        if (cloud.Method == AuthMethod.ApplicationCredential)
        {
            var credential = new JsonObject { ["secret"] = c.ApplicationCredentialSecret };
            if (c.ApplicationCredentialId is not null)
            {
                credential["id"] = c.ApplicationCredentialId;
            }
            else
            {
                credential["name"] = c.ApplicationCredentialName;
                credential["user"] = User(c);
            }
            identity = new JsonObject { ["methods"] = new JsonArray("application_credential"), ["application_credential"] = credential };
        }
        else
        {
            var user = User(c);
            user["password"] = c.Password;
            identity = new JsonObject { ["methods"] = new JsonArray("password"), ["password"] = new JsonObject { ["user"] = user } };
            var project = c.ProjectId is not null
                ? new JsonObject { ["id"] = c.ProjectId }
                : new JsonObject { ["name"] = c.ProjectName, ["domain"] = Domain(c.ProjectDomainId, c.ProjectDomainName) };
            scope = new JsonObject { ["project"] = project };
        }
        var auth = new JsonObject { ["identity"] = identity };
        if (scope is not null)
        {
            auth["scope"] = scope;
        }
        return new JsonObject { ["auth"] = auth };
    }

    private static JsonObject User(CloudCredentials c) =>
        c.UserId is not null
            ? new JsonObject { ["id"] = c.UserId }
            : new JsonObject { ["name"] = c.Username, ["domain"] = Domain(c.UserDomainId, c.UserDomainName) };

    private static JsonObject Domain(string? id, string? name) =>
        id is not null ? new JsonObject { ["id"] = id } : new JsonObject { ["name"] = name ?? "Default" };

    internal static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
