namespace GridSpan.Secrets;

/// <summary>An ed25519 SSH key pair: the private key in OpenSSH's file format, the public key as one authorized_keys line.</summary>
public sealed record SshKeyPair(string PrivateKey, string PublicKey)
{
    public override string ToString() => $"SshKeyPair({PublicKey}, private redacted)";
}
