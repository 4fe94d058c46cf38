using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpan.Providers.OpenStack.Http;

namespace GridSpan.Providers.OpenStack.Identity;

/// <summary>An application credential as Keystone lists it (without its secret, which it shows only once).</summary>
internal sealed record ApplicationCredential(string Id, string Name, string? ProjectId);

/// <summary>A credential just created: the only moment Keystone tells its secret. <see cref="ToString"/> hides it.</summary>
internal sealed record IssuedApplicationCredential(string Id, string Name, string? ProjectId, string Secret)
{
    public override string ToString() => $"application credential '{Name}' ({Id}, secret hidden)";
}

/// <summary>
/// Keystone v3 calls beyond authentication: a user's application credentials. The base URL is the
/// cloud's auth_url (with /v3), the endpoint the user already trusts with their password.
/// </summary>
internal sealed class KeystoneClient(ApiClient api, Uri baseUrl) : ServiceClient(api, "Keystone", baseUrl)
{
    public static Uri IdentityUrl(Uri authUrl)
    {
        var text = authUrl.ToString().TrimEnd('/');
        return new Uri(text.EndsWith("/v3", StringComparison.Ordinal) ? text : text + "/v3");
    }

    /// <summary>
    /// Creates a restricted credential (it cannot create or delete credentials itself) for the project
    /// the session's token is scoped to, with the token's roles. Keystone makes up the secret.
    /// </summary>
    public async Task<IssuedApplicationCredential> CreateApplicationCredentialAsync(
        string userId, string name, string description, string? forbiddenFix, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["application_credential"] = new JsonObject
            {
                ["name"] = name,
                ["description"] = description,
                ["unrestricted"] = false,
            },
        };
        var what = $"create application credential '{name}'";
        var response = await Api.SendAsync(new ApiRequest(Service, HttpMethod.Post, Url($"users/{Escape(userId)}/application_credentials"), what)
        {
            Body = body,
            ForbiddenFix = forbiddenFix,
        }, cancellationToken).ConfigureAwait(false);
        return Read(what, response!.Body, body =>
        {
            var credential = body.GetProperty("application_credential");
            return new IssuedApplicationCredential(
                RequiredText(credential, "id"),
                Text(credential, "name") ?? name,
                Text(credential, "project_id"),
                RequiredText(credential, "secret"));
        });
    }

    /// <summary>The user's credential with this id, or null when it does not exist (deleted, or another user's).</summary>
    public async Task<ApplicationCredential?> GetApplicationCredentialAsync(string userId, string id, CancellationToken cancellationToken)
    {
        var what = $"read application credential {id}";
        var body = await GetOrNullAsync($"users/{Escape(userId)}/application_credentials/{Escape(id)}", what, cancellationToken).ConfigureAwait(false);
        return body is null ? null : Read(what, body, json => Of(json.GetProperty("application_credential")));
    }

    /// <summary>The user's credentials with exactly this name (Keystone keeps names unique per user: at most one).</summary>
    public async Task<ImmutableArray<ApplicationCredential>> FindApplicationCredentialsAsync(string userId, string name, CancellationToken cancellationToken)
    {
        return await GetAsync($"users/{Escape(userId)}/application_credentials?name={Escape(name)}", $"list application credentials named '{name}'",
            json => json.GetProperty("application_credentials").EnumerateArray().Select(Of).Where(c => c.Name == name).ToImmutableArray(),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes; true when it existed, false when it was already gone.</summary>
    public Task<bool> DeleteApplicationCredentialAsync(string userId, string id, CancellationToken cancellationToken) =>
        DeleteAsync($"users/{Escape(userId)}/application_credentials/{Escape(id)}", $"delete application credential {id}", cancellationToken);

    private static ApplicationCredential Of(JsonElement json) =>
        new(Text(json, "id") ?? "", Text(json, "name") ?? "", Text(json, "project_id"));
}
