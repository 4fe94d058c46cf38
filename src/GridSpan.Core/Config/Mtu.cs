namespace GridSpan.Config;

/// <summary>The link sizes validating and planning agree on.</summary>
public static class Mtu
{
    /// <summary>The MTU assumed for a site whose provider does not say.</summary>
    public const int SiteDefault = 1500;

    /// <summary>The smallest MTU IPv4 guarantees; no link may go below it once the overlay's overhead is taken off.</summary>
    public const int Minimum = 576;

    /// <summary>
    /// The largest packet strongSwan's kernel-libipsec takes from its TUN device: it reads into a buffer of
    /// the MTU it gave the device, 1400, whatever the device's MTU becomes later, so a larger packet arrives
    /// cut and is dropped. An ipsec tunnel with an end in a container carries at most this.
    /// </summary>
    public const int UserspaceIpsec = 1400;
}
