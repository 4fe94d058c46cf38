using GridSpan.Cluster;

namespace GridSpan.Core.Tests.Cluster;

/// <summary>Reading `swanctl --list-sas` (strongSwan 5.9's format), as doctor's vpn check and status do.</summary>
public sealed class IpsecSasTests
{
    private const string Output = """
        sec-beta-gw: #2, ESTABLISHED, IKEv2, 1b8f1d2fd7d2a8a4_i* 3c4e9a7b1f2d8c6e_r
          local  'sec-master.sec.gridspan' @ 10.71.0.10[4500]
          remote 'sec-beta-gw.sec.gridspan' @ 198.18.0.12[4500]
          AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072
          established 42s ago, rekeying in 13887s
          sec-beta-gw: #3, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_CBC-256/HMAC_SHA2_256_128
            installed 42s ago, rekeying in 3247s, expires in 3948s
            in  c5d0d0b7,    840 bytes,    10 packets,     2s ago
            out ca4ee2cb,    840 bytes,    10 packets,     2s ago
            local  10.71.0.0/24 10.95.0.1/32
            remote 10.72.0.0/24 10.95.0.2/32
        sec-gamma-gw: #4, CONNECTING, IKEv2, 9d8f1d2fd7d2a8a4_i* 0000000000000000_r
          local  'sec-master.sec.gridspan' @ 10.71.0.10[500]
          remote 'sec-gamma-gw.sec.gridspan' @ 198.18.0.13[500]
        """;

    [Fact]
    public void An_established_ike_sa_with_an_installed_child_is_up_and_a_connecting_one_is_not()
    {
        var sas = IpsecSas.Parse(Output);

        Assert.Equal(2, sas.Length);
        var beta = sas[0];
        Assert.Equal(("sec-beta-gw", "ESTABLISHED", 42L), (beta.Connection, beta.State, beta.EstablishedSecondsAgo));
        Assert.Equal(["INSTALLED, TUNNEL-in-UDP"], beta.Children.ToArray());
        Assert.True(beta.IsUp);
        var gamma = sas[1];
        Assert.Equal(("sec-gamma-gw", "CONNECTING", (long?)null), (gamma.Connection, gamma.State, gamma.EstablishedSecondsAgo));
        Assert.Empty(gamma.Children);
        Assert.False(gamma.IsUp);
    }

    [Fact]
    public void An_ike_sa_without_an_installed_child_is_not_up_and_no_output_means_no_sas()
    {
        var sas = IpsecSas.Parse("""
            sec-beta-gw: #1, ESTABLISHED, IKEv2, 1b8f1d2fd7d2a8a4_i* 3c4e9a7b1f2d8c6e_r
              established 3s ago, rekeying in 13887s
              sec-beta-gw: #1, reqid 1, INSTALLING, TUNNEL-in-UDP, ESP:AES_CBC-256/HMAC_SHA2_256_128
            """);
        Assert.False(Assert.Single(sas).IsUp);
        Assert.Empty(IpsecSas.Parse(""));
    }
}
