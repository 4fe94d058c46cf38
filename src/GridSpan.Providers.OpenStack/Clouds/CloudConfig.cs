namespace GridSpan.Providers.OpenStack.Clouds;

/// <summary>How GridSpan authenticates to Keystone.</summary>
public enum AuthMethod
{
    Password,
    ApplicationCredential,
}

/// <summary>
/// One cloud of clouds.yaml (merged with secure.yaml): where Keystone is, who we are, which region
/// and interface to use. <see cref="ToString"/> never shows a secret.
/// </summary>
/// <param name="name">The entry's key in clouds.yaml.</param>
/// <param name="source">The file(s) the entry came from, for messages.</param>
/// <param name="interface">public, internal or admin: which catalog endpoints to call.</param>
public sealed class CloudConfig(
    string name,
    string source,
    Uri authUrl,
    AuthMethod method,
    CloudCredentials credentials,
    string? regionName,
    string @interface,
    bool verifyTls)
{
    public string Name { get; } = name;

    public string Source { get; } = source;

    public Uri AuthUrl { get; } = authUrl;

    public AuthMethod Method { get; } = method;

    public CloudCredentials Credentials { get; } = credentials;

    public string? RegionName { get; } = regionName;

    public string Interface { get; } = @interface;

    public bool VerifyTls { get; } = verifyTls;

    public override string ToString() => $"cloud '{Name}' ({AuthUrl}, {Method}, region {RegionName ?? "any"}, {Interface} endpoints)";
}

/// <summary>The identity fields of a cloud's `auth:` block. Secrets stay inside; ToString hides them.</summary>
public sealed class CloudCredentials
{
    public string? Username { get; init; }

    public string? UserId { get; init; }

    public string? UserDomainName { get; init; }

    public string? UserDomainId { get; init; }

    public string? ProjectName { get; init; }

    public string? ProjectId { get; init; }

    public string? ProjectDomainName { get; init; }

    public string? ProjectDomainId { get; init; }

    public string? ApplicationCredentialId { get; init; }

    public string? ApplicationCredentialName { get; init; }

    internal string? Password { get; init; }

    internal string? ApplicationCredentialSecret { get; init; }

    public override string ToString() => ApplicationCredentialSecret is not null
        ? $"application credential {ApplicationCredentialId ?? ApplicationCredentialName} (secret hidden)"
        : $"user {Username ?? UserId ?? "?"} (secrets hidden)";
}
