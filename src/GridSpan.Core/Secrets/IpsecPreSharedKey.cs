namespace GridSpan.Secrets;

/// <summary>
/// One IPsec tunnel's pre-shared key: 32 random bytes, base64 as swanctl reads it after its "0s" prefix.
/// Only the tunnel's two ends receive it.
/// </summary>
public sealed record IpsecPreSharedKey(string Value)
{
    public const int Bytes = 32;

    public override string ToString() => "IpsecPreSharedKey(redacted)";
}
