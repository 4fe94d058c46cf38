namespace GridSpan.Secrets;

/// <summary>A node's WireGuard key pair, base64 as `wg` reads and writes them.</summary>
public sealed record WireGuardKeyPair(string PrivateKey, string PublicKey)
{
    public override string ToString() => $"WireGuardKeyPair(public {PublicKey}, private redacted)";
}
