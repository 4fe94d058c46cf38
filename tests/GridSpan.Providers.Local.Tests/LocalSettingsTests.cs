using System.Net;
using GridSpan.Config;
using GridSpan.Provision;

namespace GridSpan.Providers.Local.Tests;

public sealed class LocalSettingsTests
{
    private static ConfigLoadResult Load(string local, string master = "{ flavor: small, image: debian-12, compute: true }") => ClusterConfigLoader.LoadText($$"""
        name: demo
        ssh: { user: root }
        sites:
          - name: berlin
            provider: local
            {{local}}
            master: {{master}}
        overlay: { kind: wireguard, cidr: 10.99.0.0/24 }
        storage: { shares: [/home] }
        slurm: { suspendTime: 300, resumeTimeout: 300 }
        """, "cluster.yaml", "/tmp", new ProviderRegistry([LocalProviderDefinition.For(Common.HostEnvironment.Empty)]), "/nonexistent");

    [Fact]
    public void A_subnet_and_an_mtu_load_into_local_settings()
    {
        var result = Load("local: { subnet: 10.11.0.0/24, mtu: 1400 }");

        Assert.Empty(result.Errors);
        var settings = Assert.IsType<LocalSiteSettings>(result.Spec!.Sites[0].Settings);
        Assert.Equal(IPNetwork.Parse("10.11.0.0/24"), settings.Subnet);
        Assert.Equal(1400, settings.Mtu);
    }

    [Fact]
    public void A_subnet_written_with_host_bits_is_an_error_that_suggests_its_network_address()
    {
        var result = Load("local: { subnet: 10.11.0.5/24 }");

        var error = Assert.Single(result.Errors);
        Assert.Equal("sites[0].local.subnet", error.KeyPath);
        Assert.Contains("'10.11.0.5/24'", error.Problem, StringComparison.Ordinal);
        Assert.Contains("host bits zero", error.Problem, StringComparison.Ordinal);
        Assert.Contains("10.11.0.0/24", error.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.11.0.0/30")]
    [InlineData("10.0.0.0/8")]
    [InlineData("fd00::/64")]
    [InlineData("berlin")]
    public void A_subnet_that_is_not_an_ipv4_network_between_16_and_29_is_an_error_with_an_example(string subnet)
    {
        var result = Load($"local: {{ subnet: '{subnet}' }}");

        var error = Assert.Single(result.Errors);
        Assert.Equal("sites[0].local.subnet", error.KeyPath);
        Assert.Contains($"'{subnet}' is not an IPv4 subnet between /16 and /29", error.Problem, StringComparison.Ordinal);
        Assert.Equal("write a network address and prefix such as 10.11.0.0/24", error.Fix);
    }

    [Theory]
    [InlineData("{ flavor: 'small; rm -rf /', compute: true }", "sites[0].master.flavor", "no flavor 'small; rm -rf /'", "tiny (1 CPU, 512 MiB)")]
    [InlineData("{ flavor: huge, compute: true }", "sites[0].master.flavor", "no flavor 'huge'", "large (2 CPU, 4096 MiB)")]
    [InlineData("{ flavor: small, image: 'debian-12$(id)', compute: true }", "sites[0].master.image", "no image 'debian-12$(id)'", "debian-12")]
    public void Flavors_and_images_the_local_cloud_does_not_offer_are_refused_at_validate_listing_those_it_has(
        string master, string keyPath, string problem, string fix)
    {
        var result = Load("local: { mtu: 1500 }", master);

        var error = Assert.Single(result.Errors);
        Assert.Equal(keyPath, error.KeyPath);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.Contains(fix, error.Fix, StringComparison.Ordinal);
    }
}
