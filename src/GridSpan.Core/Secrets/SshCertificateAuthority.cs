using GridSpan.Common;
using Org.BouncyCastle.Crypto.Parameters;

namespace GridSpan.Secrets;

/// <summary>
/// The cluster's SSH certificate authority, ready to sign: its ed25519 key (kept in the cluster's
/// secrets as an ordinary key pair) read once. Signing is thread-safe.
/// </summary>
public sealed class SshCertificateAuthority
{
    private readonly Ed25519PrivateKeyParameters _key;

    public SshCertificateAuthority(SshKeyPair key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.PrivateKey.Length == 0)
        {
            throw GridSpanException.Failed("the cluster's SSH certificate authority key is not in these secrets (the master's copy never holds it)",
                "issue host certificates where the cluster was created, with its full secrets");
        }
        _key = new Ed25519PrivateKeyParameters(OpenSshKeyFormat.ReadSeed(key.PrivateKey));
        PublicKeyBlob = Convert.FromBase64String(key.PublicKey.Split(' ')[1]);
    }

    /// <summary>The authority's public key in SSH wire format (the certificate's "signature key").</summary>
    public byte[] PublicKeyBlob { get; }

    /// <summary>An ed25519 signature (RFC 8032) of <paramref name="data"/>.</summary>
    public byte[] Sign(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var signature = new byte[Ed25519PrivateKeyParameters.SignatureSize];
        _key.Sign(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, data, 0, data.Length, signature, 0);
        return signature;
    }
}
