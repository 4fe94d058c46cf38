
namespace GridSpan.Config;

/// <summary>Bytes each kind of overlay adds to a packet, so the tunnel MTU is the site MTU minus this.</summary>
public static class OverlayOverhead
{
    /// <summary>
    /// WireGuard: outer IPv4 header 20 + UDP 8 + WireGuard header 16 + tag 16 = 60; we take 80, the
    /// figure for an IPv6 outer header and the one wg-quick uses, so a path over IPv6 also fits.
    /// IPsec (ESP in UDP, AES-CBC + HMAC-SHA2-256): outer IPv4 20 + UDP 8 + ESP 8 + IV 16 + up to 17
    /// trailer + ICV 16 = 85, rounded up to 96. VXLAN: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14 = 50.
    /// </summary>
    public static int Of(OverlayKind kind) => kind switch
    {
        OverlayKind.WireGuard => 80,
        OverlayKind.Ipsec => 96,
        OverlayKind.Vxlan => 50,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown overlay kind"),
    };
}
