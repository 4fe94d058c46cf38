using System.Collections.Immutable;

namespace GridSpan.Config.Validation;

/// <summary>
/// The ipsec overlay joins sites with site-to-site tunnels, so it needs two sites at least: asked for on
/// one site it would build nothing, which is more likely a mistake than a wish.
/// </summary>
internal static class OverlayKindRules
{
    public static void Check(ImmutableArray<ConfigSection> sites, ConfigSection overlay, ICollection<ConfigError> errors)
    {
        if (overlay.GetString("kind") is "ipsec" && sites.Length == 1)
        {
            errors.Add(new ConfigError(overlay.LocationOf("kind"), overlay.PathOf("kind"),
                "the ipsec overlay joins sites with site-to-site tunnels, but the cluster has one site",
                "add a site (with a gateway) to join, or remove 'overlay:' for a one-site cluster"));
        }
    }
}
