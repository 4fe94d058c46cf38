namespace GridSpan.Config.Validation;

/// <summary>
/// The format names every overlay GridSpan plans, but only WireGuard's and VXLAN's node files are
/// rendered today: ipsec is refused here rather than by `render` or `create` later.
/// </summary>
internal static class OverlayKindRules
{
    public static void Check(ConfigSection overlay, ICollection<ConfigError> errors)
    {
        if (overlay.GetString("kind") is "ipsec")
        {
            errors.Add(new ConfigError(overlay.LocationOf("kind"), overlay.PathOf("kind"),
                "the overlay kind 'ipsec' is not supported yet: GridSpan plans it but cannot write its node files",
                "use 'kind: wireguard' (the default) or 'kind: vxlan'"));
        }
    }
}
