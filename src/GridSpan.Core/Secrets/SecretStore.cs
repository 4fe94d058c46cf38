using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Secrets;

/// <summary>
/// Keeps a cluster's secrets in a directory: one file, secrets.json, mode 0600, in a directory made
/// 0700. Written atomically (temporary file, then rename), so a crash never leaves half a file.
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
        const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Directory.CreateDirectory(directory, Owner | UnixFileMode.UserExecute);
        var target = PathIn(directory);
        var temporary = target + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
               {
                   Mode = FileMode.Create,
                   Access = FileAccess.Write,
                   UnixCreateMode = Owner,
               }))
        {
            JsonSerializer.Serialize(stream, secrets, Json);
            stream.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(temporary, Owner);
        File.Move(temporary, target, overwrite: true);
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
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw GridSpanException.Failed($"the secrets file {path} can be read or written by other users", $"run: chmod 600 {path}");
        }
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
