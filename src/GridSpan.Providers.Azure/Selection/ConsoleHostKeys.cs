using System.Collections.Immutable;

namespace GridSpan.Providers.Azure.Selection;

/// <summary>
/// The SSH host public keys cloud-init prints on a VM's console at first boot (its keys_to_console module), between
/// `-----BEGIN SSH HOST KEY KEYS-----` and `-----END SSH HOST KEY KEYS-----`, each line prefixed by the logger
/// (`ec2: `, on every cloud) and ending in a comment.
/// </summary>
public static class ConsoleHostKeys
{
    private const string Begin = "-----BEGIN SSH HOST KEY KEYS-----", End = "-----END SSH HOST KEY KEYS-----";

    private static readonly string[] KeyTypes = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];

    /// <summary>Each key as "type base64", from the last complete block of the log (a VM booted again prints it again); none when there is no complete block.</summary>
    public static ImmutableArray<string> Parse(string? log)
    {
        if (log is null)
        {
            return [];
        }
        var lines = log.Split('\n');
        var end = Array.FindLastIndex(lines, l => l.Contains(End, StringComparison.Ordinal));
        var begin = end < 0 ? -1 : Array.FindLastIndex(lines, end, l => l.Contains(Begin, StringComparison.Ordinal));
        if (begin < 0)
        {
            return [];
        }
        var keys = ImmutableArray.CreateBuilder<string>();
        foreach (var line in lines[(begin + 1)..end])
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var type = Array.FindIndex(words, w => KeyTypes.Contains(w, StringComparer.Ordinal));
            if (type >= 0 && type + 1 < words.Length)
            {
                keys.Add($"{words[type]} {words[type + 1]}");
            }
        }
        return keys.ToImmutable();
    }
}
