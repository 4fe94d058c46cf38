using GridSpan.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GridSpan.Providers.OpenStack.Clouds;

/// <summary>Reads one cloud's entry from clouds.yaml, merged with the same entry of secure.yaml.</summary>
public static class CloudsFile
{
    /// <summary>Finds the files with <paramref name="locator"/> and reads the entry <paramref name="cloudName"/>.</summary>
    public static CloudConfig Load(CloudsFileLocator locator, string cloudName)
    {
        ArgumentNullException.ThrowIfNull(locator);
        if (locator.FindMasterFile(cloudName) is { } issued)
        {
            return Parse(cloudName, issued, File.ReadAllText(issued), null);
        }
        var cloudsPath = locator.FindClouds() ?? throw GridSpanException.InvalidConfig(
            $"no clouds.yaml found for cloud '{cloudName}' (looked at {string.Join(", ", locator.CloudsCandidates())})",
            "download clouds.yaml from your cloud's dashboard (API Access) and put it in ~/.config/openstack/, or set OS_CLIENT_CONFIG_FILE");
        return Parse(cloudName, cloudsPath, File.ReadAllText(cloudsPath), locator.FindSecure() is { } secure ? (secure, File.ReadAllText(secure)) : null);
    }

    /// <summary>Reads the entry from the files' texts; <paramref name="secure"/> is (path, text) of secure.yaml, or null.</summary>
    public static CloudConfig Parse(string cloudName, string cloudsPath, string cloudsText, (string Path, string Text)? secure)
    {
        var clouds = Entry(cloudsPath, cloudsText, cloudName);
        var source = cloudsPath;
        if (secure is { } s && Entry(s.Path, s.Text, cloudName) is { } secret)
        {
            clouds = clouds is null ? secret : Merge(clouds, secret);
            source += " + " + s.Path;
        }
        if (clouds is null)
        {
            var names = Names(cloudsPath, cloudsText);
            throw GridSpanException.InvalidConfig(
                $"{cloudsPath} has no cloud named '{cloudName}'" + (names.Count > 0 ? $" (it has: {string.Join(", ", names)})" : ""),
                "set the site's `openstack.cloud` to one of the names under `clouds:`");
        }
        return Build(cloudName, source, clouds);
    }

    private static CloudConfig Build(string name, string source, YamlMappingNode entry)
    {
        var auth = entry.Children.TryGetValue(new YamlScalarNode("auth"), out var a) && a is YamlMappingNode m ? m : new YamlMappingNode();
        string? Auth(string key) => Scalar(auth, key);
        var authType = (Scalar(entry, "auth_type") ?? "password").ToLowerInvariant();
        var method = authType switch
        {
            "password" or "v3password" => AuthMethod.Password,
            "v3applicationcredential" or "applicationcredential" or "application_credential" => AuthMethod.ApplicationCredential,
            _ => throw GridSpanException.InvalidConfig(
                $"cloud '{name}' in {source} uses auth_type '{authType}', which GridSpan does not support",
                "use a password (auth_type: password) or an application credential (auth_type: v3applicationcredential)"),
        };
        var authUrlText = Auth("auth_url") ?? throw Missing(name, source, "auth.auth_url");
        if (!Uri.TryCreate(authUrlText, UriKind.Absolute, out var authUrl) || (authUrl.Scheme != "http" && authUrl.Scheme != "https"))
        {
            throw GridSpanException.InvalidConfig($"cloud '{name}' in {source}: auth.auth_url '{authUrlText}' is not an http(s) URL",
                "copy the Identity endpoint from your cloud's dashboard, e.g. https://keystone.example.org:5000/v3");
        }
        var domainName = Auth("domain_name");
        var domainId = Auth("domain_id");
        var credentials = new CloudCredentials
        {
            Username = Auth("username"),
            UserId = Auth("user_id"),
            UserDomainName = Auth("user_domain_name") ?? domainName,
            UserDomainId = Auth("user_domain_id") ?? domainId,
            ProjectName = Auth("project_name") ?? Auth("tenant_name"),
            ProjectId = Auth("project_id") ?? Auth("tenant_id"),
            ProjectDomainName = Auth("project_domain_name") ?? domainName,
            ProjectDomainId = Auth("project_domain_id") ?? domainId,
            Password = Auth("password"),
            ApplicationCredentialId = Auth("application_credential_id"),
            ApplicationCredentialName = Auth("application_credential_name"),
            ApplicationCredentialSecret = Auth("application_credential_secret"),
        };
        if (method == AuthMethod.Password)
        {
            if (credentials.Username is null && credentials.UserId is null)
            {
                throw Missing(name, source, "auth.username");
            }
            if (credentials.Password is null)
            {
                throw Missing(name, source, "auth.password (in clouds.yaml or secure.yaml)");
            }
            if (credentials.ProjectName is null && credentials.ProjectId is null)
            {
                throw Missing(name, source, "auth.project_name or auth.project_id");
            }
        }
        else
        {
            if (credentials.ApplicationCredentialSecret is null)
            {
                throw Missing(name, source, "auth.application_credential_secret (in clouds.yaml or secure.yaml)");
            }
            if (credentials.ApplicationCredentialId is null && (credentials.ApplicationCredentialName is null || (credentials.Username is null && credentials.UserId is null)))
            {
                throw Missing(name, source, "auth.application_credential_id (or a name with auth.username)");
            }
        }
        var region = Scalar(entry, "region_name");
        if (region is null && entry.Children.TryGetValue(new YamlScalarNode("regions"), out var regions) && regions is YamlSequenceNode list && list.Children.Count > 0)
        {
            region = list.Children[0] switch
            {
                YamlScalarNode scalar => scalar.Value,
                YamlMappingNode mapping => Scalar(mapping, "name"),
                _ => null,
            };
        }
        var @interface = (Scalar(entry, "interface") ?? Scalar(entry, "endpoint_type") ?? "public").ToLowerInvariant();
        if (@interface.EndsWith("url", StringComparison.Ordinal))
        {
            @interface = @interface[..^3]; // publicURL, internalURL: the v2 spelling
        }
        if (@interface is not ("public" or "internal" or "admin"))
        {
            throw GridSpanException.InvalidConfig($"cloud '{name}' in {source}: interface '{@interface}' is not public, internal or admin",
                "remove `interface:` to use the public endpoints");
        }
        var verify = !string.Equals(Scalar(entry, "verify"), "false", StringComparison.OrdinalIgnoreCase);
        return new CloudConfig(name, source, authUrl, method, credentials, region, @interface, verify);
    }

    private static GridSpanException Missing(string name, string source, string key) =>
        GridSpanException.InvalidConfig($"cloud '{name}' in {source} has no {key}",
            "download a complete clouds.yaml from your cloud's dashboard, or add the key by hand");

    private static YamlMappingNode? Entry(string path, string text, string cloudName)
    {
        var root = Root(path, text);
        return root is not null && root.Children.TryGetValue(new YamlScalarNode("clouds"), out var clouds) && clouds is YamlMappingNode all
            && all.Children.TryGetValue(new YamlScalarNode(cloudName), out var entry) && entry is YamlMappingNode mapping
            ? mapping
            : null;
    }

    private static List<string> Names(string path, string text)
    {
        var root = Root(path, text);
        return root is not null && root.Children.TryGetValue(new YamlScalarNode("clouds"), out var clouds) && clouds is YamlMappingNode all
            ? [.. all.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")]
            : [];
    }

    private static YamlMappingNode? Root(string path, string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlException failure)
        {
            throw GridSpanException.InvalidConfig($"{path}:{failure.Start.Line}:{failure.Start.Column}: not valid YAML: {failure.Message}",
                "fix the file's syntax (indentation, quotes)");
        }
    }

    private static YamlMappingNode Merge(YamlMappingNode baseNode, YamlMappingNode overlay)
    {
        var merged = new YamlMappingNode();
        foreach (var (key, value) in baseNode.Children)
        {
            merged.Children[key] = value;
        }
        foreach (var (key, value) in overlay.Children)
        {
            merged.Children[key] = merged.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode a && value is YamlMappingNode b
                ? Merge(a, b)
                : value;
        }
        return merged;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar && !string.IsNullOrEmpty(scalar.Value)
            ? scalar.Value
            : null;
}
