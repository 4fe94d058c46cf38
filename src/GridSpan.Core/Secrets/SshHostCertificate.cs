using System.Buffers.Binary;
using System.Text;

namespace GridSpan.Secrets;

/// <summary>
/// Writes OpenSSH host certificates (ssh-ed25519-cert-v01@openssh.com, PROTOCOL.certkeys in
/// OpenSSH's sources): the cluster's certificate authority vouches that a host key belongs to the
/// node's names, so every node trusts every other through one @cert-authority line in
/// ssh_known_hosts instead of a line per node. The certificates never expire: like the host keys
/// they certify, they live as long as the cluster's secrets.
/// </summary>
public static class SshHostCertificate
{
    public const string CertificateType = "ssh-ed25519-cert-v01@openssh.com";
    private const uint HostCertificate = 2;

    /// <param name="authority">The cluster's certificate authority.</param>
    /// <param name="hostPublicKeyLine">The host key as an OpenSSH public key line.</param>
    /// <param name="keyId">Shown by sshd's logs and `ssh-keygen -L`: the node's name.</param>
    /// <param name="principals">The names a client may use for the host.</param>
    /// <param name="nonce">32 random bytes, which make two certificates of the same key differ (OpenSSH's defence against chosen-prefix attacks on the signature hash).</param>
    /// <returns>The certificate as a line for `HostCertificate` files: type, base64, comment.</returns>
    public static string Issue(SshCertificateAuthority authority, string hostPublicKeyLine, string keyId,
        IReadOnlyList<string> principals, ulong serial, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(hostPublicKeyLine);
        ArgumentNullException.ThrowIfNull(principals);
        var hostKey = KeyOf(hostPublicKeyLine);
        var packedPrincipals = new List<byte>();
        foreach (var principal in principals)
        {
            OpenSshKeyFormat.WriteString(packedPrincipals, Encoding.UTF8.GetBytes(principal));
        }

        var body = new List<byte>();
        OpenSshKeyFormat.WriteString(body, Encoding.ASCII.GetBytes(CertificateType));
        OpenSshKeyFormat.WriteString(body, nonce);
        OpenSshKeyFormat.WriteString(body, hostKey);
        WriteUInt64(body, serial);
        OpenSshKeyFormat.WriteUInt32(body, HostCertificate);
        OpenSshKeyFormat.WriteString(body, Encoding.UTF8.GetBytes(keyId));
        OpenSshKeyFormat.WriteString(body, [.. packedPrincipals]);
        WriteUInt64(body, 0);               // valid after: always
        WriteUInt64(body, ulong.MaxValue);  // valid before: forever
        OpenSshKeyFormat.WriteString(body, []); // critical options: none for host certificates
        OpenSshKeyFormat.WriteString(body, []); // extensions: none
        OpenSshKeyFormat.WriteString(body, []); // reserved
        OpenSshKeyFormat.WriteString(body, authority.PublicKeyBlob);

        var signature = authority.Sign([.. body]);
        var signatureBlob = new List<byte>();
        OpenSshKeyFormat.WriteString(signatureBlob, "ssh-ed25519"u8);
        OpenSshKeyFormat.WriteString(signatureBlob, signature);
        OpenSshKeyFormat.WriteString(body, [.. signatureBlob]);
        return $"{CertificateType} {Convert.ToBase64String([.. body])} {keyId}";
    }

    /// <summary>The 32-byte ed25519 key in an OpenSSH public key line.</summary>
    private static byte[] KeyOf(string publicKeyLine)
    {
        var parts = publicKeyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] != "ssh-ed25519")
        {
            throw new ArgumentException("host certificates are issued for ed25519 keys only", nameof(publicKeyLine));
        }
        var blob = Convert.FromBase64String(parts[1]);
        return blob[^32..];
    }

    private static void WriteUInt64(List<byte> buffer, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }
}
