using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GridSpan.Common;

namespace GridSpan.Providers.Local.Api;

/// <summary>
/// API tokens limited to one cluster, for its master: `&lt;cluster id&gt;.&lt;random&gt;`, one file per
/// cluster (0600) in the local cloud's state. With one, the API acts only on that cluster's resources;
/// the machine's own token (api-token) acts on all. Revoking deletes the file.
/// </summary>
public sealed partial class ClusterTokens(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The cluster's token: the one issued before, or a new one.</summary>
    public string Issue(string clusterId)
    {
        var path = PathOf(clusterId) ?? throw GridSpanException.Failed(
            $"'{clusterId}' is not a cluster id the local cloud issues tokens for", "cluster ids are lowercase letters, digits and dashes");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var token = $"{clusterId}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
        var temporary = $"{path}.tmp-{Environment.ProcessId}";
        File.WriteAllText(temporary, token + "\n", new UTF8Encoding(false));
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: false);
        return token;
    }

    public void Revoke(string clusterId)
    {
        if (PathOf(clusterId) is { } path && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>The cluster a presented token belongs to, or null when it is no valid cluster token.</summary>
    public string? ClusterOf(string presented)
    {
        var dot = presented.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || PathOf(presented[..dot]) is not { } path || !File.Exists(path))
        {
            return null;
        }
        var expected = Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(presented)) ? presented[..dot] : null;
    }

    private string? PathOf(string clusterId) => ClusterIdPattern().IsMatch(clusterId) ? Path.Combine(Directory, clusterId) : null;

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,80}\z")]
    private static partial Regex ClusterIdPattern();
}
