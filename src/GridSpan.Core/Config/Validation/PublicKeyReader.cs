using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using GridSpan.Common;

namespace GridSpan.Config.Validation;

/// <summary>
/// Turns the entries of `ssh.publicKeys` into OpenSSH key lines: an entry is a key line itself or
/// the path of a file of them (relative to the config file's directory, `~` for the home directory).
/// </summary>
internal sealed class PublicKeyReader(string baseDirectory, string homeDirectory, ICollection<ConfigError> errors)
{
    private static readonly ImmutableArray<string> KeyTypes =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    /// <summary>A key line is under 1 KiB (RSA 4096 included); a file of many keys fits easily.</summary>
    private const int MaximumFileBytes = 64 * 1024;

    private const string NewKeyFix = "create a key pair with 'ssh-keygen -t ed25519' and give the path of its .pub file";

    public ImmutableArray<string> Read(CheckedString entry)
    {
        var text = entry.Value.Trim();
        if (LooksLikeKeyLine(text))
        {
            return Check(text, entry, "this key line") is { } line ? [line] : [];
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            Add(entry, $"the public key file '{text}' cannot be read: the path holds a NUL character", $"write the path of a .pub file, or {NewKeyFix}");
            return [];
        }
        var path = Resolve(text);
        var file = UserFile.ReadText(path, MaximumFileBytes);
        if (file.Text is not { } content)
        {
            Add(entry, $"cannot read the public key file '{text}' ({path}): {file.Problem}",
                $"check the path (relative paths start at the directory of the config file, {baseDirectory}), or {NewKeyFix}");
            return [];
        }

        if (content.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            Add(entry, $"'{text}' is a private key", "give the public key instead: the file of the same name ending in .pub");
            return [];
        }
        var lines = content.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count == 0)
        {
            Add(entry, $"the public key file '{text}' ({path}) holds no key", NewKeyFix);
            return [];
        }
        var keys = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (Check(lines[i], entry, $"key {i + 1} of '{text}'") is { } line)
            {
                keys.Add(line);
            }
        }
        return keys.ToImmutable();
    }

    private string Resolve(string path)
    {
        if (path == "~")
        {
            return homeDirectory;
        }
        if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            return Path.Combine(homeDirectory, path[2..]);
        }
        return Path.GetFullPath(path, baseDirectory);
    }

    private static bool LooksLikeKeyLine(string text) =>
        text.Contains(' ', StringComparison.Ordinal) && KeyTypes.Any(t => text.StartsWith(t + " ", StringComparison.Ordinal));

    /// <summary>
    /// Parses `type base64 [comment]` and writes it back canonically: one space between the parts, the
    /// blob re-encoded, and a comment of printable characters only, so a key can never add a second
    /// authorized_keys line (with options such as `command="..."`) or split one.
    /// </summary>
    private string? Check(string line, CheckedString entry, string what)
    {
        var parts = line.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !KeyTypes.Contains(parts[0]) || Blob(parts[1]) is not { } blob || BlobType(blob) != parts[0])
        {
            Add(entry, $"{what} is not an OpenSSH public key (expected 'ssh-ed25519 AAAA... comment' or another OpenSSH key type)",
                $"give a .pub file written by ssh-keygen, or {NewKeyFix}");
            return null;
        }
        var comment = parts.Length == 3 ? parts[2].Trim(' ', '\t') : "";
        if (!PrintableText.IsAllPrintable(comment) || comment.Contains('\t', StringComparison.Ordinal))
        {
            Add(entry, $"the comment of {what} holds a line break or another control character",
                "keep the comment on the key's line, of printable characters (e.g. you@laptop), or leave it out");
            return null;
        }
        var canonical = $"{parts[0]} {Convert.ToBase64String(blob)}";
        return comment.Length > 0 ? $"{canonical} {comment}" : canonical;
    }

    /// <summary>The decoded blob; null unless it is plain base64 (the decoder would also skip line breaks inside it).</summary>
    private static byte[]? Blob(string base64)
    {
        if (base64.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')))
        {
            return null;
        }
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var length) ? bytes[..length] : null;
    }

    private static string? BlobType(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }
        var typeLength = BinaryPrimitives.ReadInt32BigEndian(blob);
        return typeLength > 0 && typeLength <= blob.Length - 4 ? Encoding.ASCII.GetString(blob, 4, typeLength) : null;
    }

    private void Add(CheckedString entry, string problem, string fix) =>
        errors.Add(new ConfigError(entry.Location, entry.Path, problem, fix));
}
