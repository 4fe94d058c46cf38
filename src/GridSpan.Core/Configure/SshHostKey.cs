using GridSpan.Common;

namespace GridSpan.Configure;

/// <summary>
/// A pinned SSH host public key, e.g. "ssh-ed25519 AAAAC3Nz...". The client accepts a node only
/// when it presents one of its pinned keys; there is no "accept new" or "accept any".
/// </summary>
public sealed record SshHostKey
{
    private static readonly string[] KnownTypes =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    private SshHostKey(string type, string data)
    {
        Type = type;
        Data = data;
    }

    /// <summary>The key type, e.g. ssh-ed25519.</summary>
    public string Type { get; }

    /// <summary>The key itself, base64 as in a .pub file.</summary>
    public string Data { get; }

    /// <summary>Parses an OpenSSH public key line ("type base64 [comment]"); the comment is dropped.</summary>
    public static SshHostKey Parse(string line, string nodeName)
    {
        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !KnownTypes.Contains(words[0], StringComparer.Ordinal) || !IsBase64(words[1]))
        {
            throw GridSpanException.Failed(
                $"node '{nodeName}': '{Abbreviate(line)}' is not an SSH host public key",
                "pin keys as OpenSSH public key lines, e.g. the content of /etc/ssh/ssh_host_ed25519_key.pub");
        }
        return new SshHostKey(words[0], words[1]);
    }

    public override string ToString() => $"{Type} {Data}";

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written > 0;
    }

    private static string Abbreviate(string line) => line.Length <= 40 ? line : line[..40] + "...";
}
