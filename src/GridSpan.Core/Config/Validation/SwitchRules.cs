using System.Collections.Immutable;

namespace GridSpan.Config.Validation;

/// <summary>
/// The vxlan overlay's switch: exactly one, alone in a site that is not the first, and only with
/// `overlay.kind: vxlan`; `tunnelCidr` only with vxlan too.
/// </summary>
internal static class SwitchRules
{
    private static readonly string[] OtherRoles = ["master", "gateway", "workers"];

    public static void Check(ImmutableArray<ConfigSection> sites, ConfigSection overlay, ICollection<ConfigError> errors)
    {
        var kind = overlay.GetString("kind") ?? overlay.StringOrDefault("kind");
        var vxlan = kind == "vxlan";
        ConfigSection? first = null;
        for (var i = 0; i < sites.Length; i++)
        {
            var site = sites[i];
            if (!site.WasWritten("switch"))
            {
                continue;
            }
            var at = (site.LocationOf("switch"), site.PathOf("switch"));
            if (!overlay.IsInvalid("kind") && !vxlan)
            {
                Add(errors, at, $"a switch carries the vxlan overlay, but overlay.kind is '{kind}'",
                    "set 'overlay: { kind: vxlan }', or remove the switch");
            }
            if (i == 0)
            {
                Add(errors, at, "the switch needs a site of its own, but the first site hosts the master",
                    "move the switch to a site of its own below the first, e.g. '- { name: switch, provider: ..., switch: { flavor: small } }'");
            }
            else
            {
                foreach (var role in OtherRoles.Where(site.WasWritten))
                {
                    Add(errors, (site.LocationOf(role), site.PathOf(role)),
                        $"a site with a switch holds only the switch, but this one also has '{role}:'",
                        $"move '{role}:' to another site, or the switch to a site of its own");
                }
            }
            if (first is null)
            {
                first = site;
            }
            else
            {
                Add(errors, at, $"a cluster has one switch, and {first.PathOf("switch")} is already one",
                    "remove this switch: every node's tunnel leads to the one switch");
            }
        }
        if (vxlan && first is null)
        {
            Add(errors, (overlay.LocationOf("kind"), overlay.PathOf("kind")),
                "the vxlan overlay needs a switch, but no site has one",
                "add a site of its own holding only the switch, e.g. '- { name: switch, provider: ..., switch: { flavor: small } }'");
        }
        if (!vxlan && !overlay.IsInvalid("kind") && overlay.WasWritten("tunnelCidr"))
        {
            Add(errors, (overlay.LocationOf("tunnelCidr"), overlay.PathOf("tunnelCidr")),
                $"tunnelCidr is the range of the tunnel between sites under a vxlan overlay, but overlay.kind is '{kind}'",
                "remove tunnelCidr: the wireguard overlay's tunnel takes its addresses from cidr");
        }
    }

    private static void Add(ICollection<ConfigError> errors, (SourceLocation Location, string Path) at, string problem, string fix) =>
        errors.Add(new ConfigError(at.Location, at.Path, problem, fix));
}
