namespace GridSpan.Config;

/// <summary>Bytes each kind of overlay adds to a packet, so the tunnel MTU is the site MTU minus this.</summary>
public static class OverlayOverhead
{
    /// <summary>
    /// WireGuard: outer IPv4 header 20 + UDP 8 + WireGuard header 16 + tag 16 = 60; we take 80, the
    /// figure for an IPv6 outer header and the one wg-quick uses, so a path over IPv6 also fits.
    /// IPsec: <see cref="IpsecEsp"/>. VXLAN: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14 = 50.
    /// </summary>
    public static int Of(OverlayKind kind) => kind switch
    {
        OverlayKind.WireGuard => 80,
        OverlayKind.Ipsec => IpsecEsp,
        OverlayKind.Vxlan => 50,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown overlay kind"),
    };

    /// <summary>
    /// ESP in UDP (every ipsec tunnel is UDP-encapsulated: see IpsecTunnelRenderer) with the cipher
    /// GridSpan proposes, AES-256-CBC with HMAC-SHA2-256-128: outer IPv4 20 + UDP 8 + ESP header
    /// (SPI, sequence) 8 + CBC IV 16 + padding to the 16-byte block, at most 15, + pad length and
    /// next header 2 + integrity tag 16 = 85 at worst.
    /// </summary>
    public const int IpsecEsp = 20 + 8 + 8 + IpsecCipherBlock + (IpsecCipherBlock - 1) + 2 + 16;

    /// <summary>AES's block size, which is also the CBC IV's.</summary>
    private const int IpsecCipherBlock = 16;
}
