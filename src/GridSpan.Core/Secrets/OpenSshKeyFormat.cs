using System.Buffers.Binary;
using System.Text;

namespace GridSpan.Secrets;

/// <summary>
/// Writes ed25519 keys in OpenSSH's formats: the public key as an authorized_keys line, the private
/// key as an unencrypted "openssh-key-v1" file (PROTOCOL.key in OpenSSH's sources). BouncyCastle's
/// own encoder draws its check number from its own random source and drops the comment; here keys
/// follow from the injected random source alone.
/// </summary>
public static class OpenSshKeyFormat
{
    private const string KeyType = "ssh-ed25519";

    public static string PublicKeyLine(ReadOnlySpan<byte> publicKey, string comment)
    {
        var line = $"{KeyType} {Convert.ToBase64String(PublicKeyBlob(publicKey))}";
        return comment.Length == 0 ? line : $"{line} {comment}";
    }

    /// <param name="seed">The 32-byte ed25519 private seed.</param>
    /// <param name="checkInt">A random number OpenSSH uses to detect a wrong passphrase; any value for unencrypted keys.</param>
    public static string PrivateKeyFile(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> publicKey, string comment, uint checkInt)
    {
        if (seed.Length != 32 || publicKey.Length != 32)
        {
            throw new ArgumentException("ed25519 keys are 32 bytes");
        }
        var secret = new List<byte>();
        WriteUInt32(secret, checkInt);
        WriteUInt32(secret, checkInt);
        WriteString(secret, Encoding.ASCII.GetBytes(KeyType));
        WriteString(secret, publicKey);
        WriteString(secret, [.. seed, .. publicKey]);
        WriteString(secret, Encoding.UTF8.GetBytes(comment));
        for (byte pad = 1; secret.Count % 8 != 0; pad++)
        {
            secret.Add(pad);
        }

        var file = new List<byte>();
        file.AddRange("openssh-key-v1\0"u8.ToArray());
        WriteString(file, "none"u8);
        WriteString(file, "none"u8);
        WriteString(file, []);
        WriteUInt32(file, 1);
        WriteString(file, PublicKeyBlob(publicKey));
        WriteString(file, [.. secret]);

        var base64 = Convert.ToBase64String([.. file]);
        var text = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (var i = 0; i < base64.Length; i += 70)
        {
            text.Append(base64.AsSpan(i, Math.Min(70, base64.Length - i))).Append('\n');
        }
        return text.Append("-----END OPENSSH PRIVATE KEY-----\n").ToString();
    }

    /// <summary>The 32-byte seed of an unencrypted ed25519 key written by <see cref="PrivateKeyFile"/>.</summary>
    public static byte[] ReadSeed(string privateKeyFile)
    {
        ArgumentNullException.ThrowIfNull(privateKeyFile);
        var base64 = string.Concat(privateKeyFile.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
        ReadOnlySpan<byte> file = Convert.FromBase64String(base64);
        var magic = "openssh-key-v1\0"u8;
        if (!file.StartsWith(magic))
        {
            throw new FormatException("not an openssh-key-v1 private key");
        }
        var reader = file[magic.Length..];
        if (!ReadString(ref reader).SequenceEqual("none"u8))
        {
            throw new FormatException("the private key is encrypted");
        }
        ReadString(ref reader); // KDF name
        ReadString(ref reader); // KDF options
        reader = reader[4..];   // number of keys: 1
        ReadString(ref reader); // public key blob
        var secret = ReadString(ref reader)[8..]; // after the two check numbers
        if (!ReadString(ref secret).SequenceEqual(Encoding.ASCII.GetBytes(KeyType)))
        {
            throw new FormatException("not an ed25519 key");
        }
        ReadString(ref secret); // public key
        return ReadString(ref secret)[..32].ToArray(); // seed followed by the public key
    }

    internal static byte[] PublicKeyBlob(ReadOnlySpan<byte> publicKey)
    {
        var blob = new List<byte>();
        WriteString(blob, Encoding.ASCII.GetBytes(KeyType));
        WriteString(blob, publicKey);
        return [.. blob];
    }

    internal static void WriteUInt32(List<byte> buffer, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    private static ReadOnlySpan<byte> ReadString(ref ReadOnlySpan<byte> reader)
    {
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(reader);
        var value = reader.Slice(4, length);
        reader = reader[(4 + length)..];
        return value;
    }

    internal static void WriteString(List<byte> buffer, ReadOnlySpan<byte> value)
    {
        WriteUInt32(buffer, (uint)value.Length);
        buffer.AddRange(value);
    }
}
