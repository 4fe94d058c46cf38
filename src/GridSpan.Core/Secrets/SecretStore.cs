using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Secrets;

/// <summary>
/// Keeps a cluster's secrets in a directory: one file, secrets.json, mode 0600, in a directory made
/// 0700. Written atomically (a new file under a random name, then rename), so a crash never leaves half a
/// file and nobody can plant a symlink for it; loaded only when it is this user's and private.
/// </summary>
public static class SecretStore
{
    public const string FileName = "secrets.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
    };

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>The secrets as <see cref="Save"/> writes them, for a copy that travels in a bundle (the master's, for on-demand nodes).</summary>
    public static string Serialize(ClusterSecrets secrets) => JsonSerializer.Serialize(secrets, Json);

    public static void Save(string directory, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (OperatingSystem.IsWindows())
        {
            throw UnixOnly();
        }
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        PrivateFiles.WriteAtomically(PathIn(directory), stream => JsonSerializer.Serialize(stream, secrets, Json));
    }

    /// <summary>The secrets stored in <paramref name="directory"/>, or null when it holds none.</summary>
    public static ClusterSecrets? Load(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            return null;
        }
        if (OperatingSystem.IsWindows())
        {
            throw UnixOnly();
        }
        PrivateFiles.RequirePrivate(path, "the secrets file");
        try
        {
            var secrets = JsonSerializer.Deserialize<ClusterSecrets>(File.ReadAllText(path), Json);
            if (secrets?.Munge?.Value is null || secrets.ClusterSsh is null || secrets.StorageSsh is null || secrets.WireGuard is null || secrets.HostKeys is null)
            {
                throw new JsonException("a secret is missing");
            }
            return secrets;
        }
        catch (JsonException e)
        {
            // The message of a JsonException names a path and position, never the file's content.
            throw GridSpanException.Failed($"the secrets file {path} is damaged: {e.Message}",
                "restore it from a backup; deleting it makes GridSpan create new secrets, which a running cluster will not accept", e);
        }
    }

    private static GridSpanException UnixOnly() =>
        GridSpanException.HostUnsupported("secrets are kept in files only the owner may read, which needs Unix file modes", "run GridSpan on Linux");
}
