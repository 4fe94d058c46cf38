namespace GridSpan.Config;

/// <summary>The link sizes validating and planning agree on.</summary>
public static class Mtu
{
    /// <summary>The MTU assumed for a site whose provider does not say.</summary>
    public const int SiteDefault = 1500;

    /// <summary>The smallest MTU IPv4 guarantees; no link may go below it once the overlay's overhead is taken off.</summary>
    public const int Minimum = 576;
}
