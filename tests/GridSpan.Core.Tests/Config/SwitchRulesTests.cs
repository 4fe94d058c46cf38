using System.Net;
using GridSpan.Config;

namespace GridSpan.Core.Tests.Config;

/// <summary>The vxlan overlay's switch: one, alone in a site of its own, only with kind vxlan (issue 14).</summary>
public sealed class SwitchRulesTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string SwitchSite = """

          - name: hub
            provider: lab
            switch: { flavor: small }
        """;

    [Fact]
    public void A_switch_in_a_site_of_its_own_with_kind_vxlan_is_valid()
    {
        var spec = _files.LoadValid(ConfigTestFiles.Minimal + SwitchSite + "\noverlay: { kind: vxlan, cidr: 10.99.0.0/24 }\n");

        var hub = spec.Sites[1];
        Assert.Equal(new SwitchSpec("small", "debian-12"), hub.Switch);
        Assert.Null(hub.Gateway);
        Assert.Equal(OverlayKind.Vxlan, spec.Overlay.Kind);
        Assert.Equal(IPNetwork.Parse("10.99.0.0/24"), spec.Overlay.Cidr);
        Assert.Equal(IPNetwork.Parse(ClusterFormat.DefaultTunnelCidr), spec.Overlay.MeshCidr);
    }

    [Fact]
    public void A_switch_under_a_wireguard_overlay_is_refused_at_the_switch()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + SwitchSite + "\n");

        Assert.Equal("sites[1].switch", error.KeyPath);
        Assert.Equal("a switch carries the vxlan overlay, but overlay.kind is 'wireguard'", error.Problem);
        Assert.Equal("set 'overlay: { kind: vxlan }', or remove the switch", error.Fix);
    }

    [Fact]
    public void Vxlan_without_a_switch_is_refused_at_the_kind()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\noverlay: { kind: vxlan }\n");

        Assert.Equal("overlay.kind", error.KeyPath);
        Assert.Equal((8, 18), (error.Location.Line, error.Location.Column));
        Assert.Equal("the vxlan overlay needs a switch, but no site has one", error.Problem);
    }

    [Fact]
    public void A_switch_sharing_its_site_with_workers_is_refused_at_the_workers()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + SwitchSite + """

                workers: [{ name: cpu, flavor: small, count: 1 }]
            overlay: { kind: vxlan }
            """);

        Assert.Equal("sites[1].workers", error.KeyPath);
        Assert.Equal("a site with a switch holds only the switch, but this one also has 'workers:'", error.Problem);
    }

    [Fact]
    public void A_switch_with_a_gateway_is_refused_at_the_gateway()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + SwitchSite + """

                gateway: { flavor: small }
            overlay: { kind: vxlan }
            """);

        Assert.Equal("sites[1].gateway", error.KeyPath);
    }

    [Fact]
    public void A_switch_on_the_first_site_is_refused_there()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\n    switch: { flavor: small }\noverlay: { kind: vxlan }\n");

        Assert.Equal("sites[0].switch", error.KeyPath);
        Assert.Equal("the switch needs a site of its own, but the first site hosts the master", error.Problem);
    }

    [Fact]
    public void A_second_switch_is_refused_naming_the_first()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + SwitchSite + """

              - name: hub2
                provider: lab
                switch: { flavor: small }
            overlay: { kind: vxlan }
            """);

        Assert.Equal("sites[2].switch", error.KeyPath);
        Assert.Equal("a cluster has one switch, and sites[1].switch is already one", error.Problem);
    }

    [Fact]
    public void A_tunnel_range_under_a_wireguard_overlay_is_refused()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\noverlay: { tunnelCidr: 10.98.0.0/24 }\n");

        Assert.Equal("overlay.tunnelCidr", error.KeyPath);
        Assert.Equal("remove tunnelCidr: the wireguard overlay's tunnel takes its addresses from cidr", error.Fix);
    }

    [Fact]
    public void A_tunnel_range_overlapping_the_overlay_range_is_refused()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + SwitchSite + "\noverlay: { kind: vxlan, cidr: 10.99.0.0/16, tunnelCidr: 10.99.8.0/24 }\n");

        Assert.Equal("overlay.tunnelCidr", error.KeyPath);
        Assert.Equal("the tunnel range 10.99.8.0/24 overlaps the overlay range 10.99.0.0/16", error.Problem);
    }

    [Fact]
    public void An_overlay_range_too_small_for_every_node_is_refused()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal.Replace("count: 1", "count: 6", StringComparison.Ordinal) + SwitchSite +
            "\noverlay: { kind: vxlan, cidr: 10.99.0.0/29 }\n");

        Assert.Equal("overlay.cidr", error.KeyPath);
        Assert.Equal("10.99.0.0/29 has too few addresses for the switch and the 7 nodes it joins", error.Problem);
    }

    [Fact]
    public void The_default_tunnel_range_colliding_with_a_site_is_reported_at_the_site_with_the_key_to_set()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + """

              - name: hub
                provider: lab
                lab: { subnet: 10.98.0.0/24 }
                switch: { flavor: small }
            overlay: { kind: vxlan }
            """);

        Assert.Equal("sites[1].lab.subnet", error.KeyPath);
        Assert.Equal("the overlay range 10.98.0.0/24 collides with the subnet 10.98.0.0/24 of site 'hub'", error.Problem);
        Assert.Contains("set 'overlay: { tunnelCidr: ... }'", error.Fix, StringComparison.Ordinal);
    }
}
