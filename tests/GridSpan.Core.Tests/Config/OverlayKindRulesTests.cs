namespace GridSpan.Core.Tests.Config;

/// <summary>What each overlay kind needs of the cluster, refused at validate rather than by render or create.</summary>
public sealed class OverlayKindRulesTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Ipsec_on_a_single_site_is_refused_as_it_would_join_nothing()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\noverlay: { kind: ipsec }\n");

        Assert.Equal("overlay.kind", error.KeyPath);
        Assert.Equal((8, 18), (error.Location.Line, error.Location.Column));
        Assert.Equal("the ipsec overlay joins sites with site-to-site tunnels, but the cluster has one site", error.Problem);
        Assert.Equal("add a site (with a gateway) to join, or remove 'overlay:' for a one-site cluster", error.Fix);
    }

    [Fact]
    public void Ipsec_between_two_sites_is_accepted()
    {
        var spec = _files.LoadValid(ConfigTestFiles.Minimal +
            "\n  - { name: b, provider: lab, gateway: { flavor: small } }\noverlay: { kind: ipsec, cidr: 10.98.0.0/24 }\n");
        Assert.Equal(GridSpan.Config.OverlayKind.Ipsec, spec.Overlay.Kind);
    }

    [Fact]
    public void Ipsec_has_no_tunnel_range_of_its_own_and_no_unknown_keys()
    {
        var twoSites = ConfigTestFiles.Minimal + "\n  - { name: b, provider: lab, gateway: { flavor: small } }\n";
        var tunnel = _files.LoadOneError(twoSites + "overlay: { kind: ipsec, tunnelCidr: 10.96.0.0/24 }\n");
        Assert.Equal("overlay.tunnelCidr", tunnel.KeyPath);
        var unknown = _files.LoadOneError(twoSites + "overlay: { kind: ipsec, psk: secret }\n");
        Assert.Equal("overlay.psk", unknown.KeyPath);
    }

    [Fact]
    public void Wireguard_is_accepted()
    {
        _files.LoadValid(ConfigTestFiles.Minimal + "\noverlay: { kind: wireguard }\n");
    }
}
