using System.Collections.Immutable;
using System.Net;
using GridSpan.Cluster;
using GridSpan.Config;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Render;

/// <summary>The ipsec overlay's node files against committed snapshots, and where its keys go (issue 14).</summary>
public sealed class IpsecRenderTests
{
    private static readonly ClusterPlan Tri = Ipsec(TestSpecs.ThreeSites());
    private static readonly ClusterSecrets TriSecrets = new SecretGenerator(new DeterministicRandomSource("ipsec")).Generate(Tri);
    private static readonly ClusterFacts Facts = new(new Dictionary<string, string>
    {
        ["tri-master"] = "198.51.100.1", ["tri-b-gw"] = "198.51.100.2", ["tri-c-gw"] = "198.51.100.3",
    }.ToImmutableSortedDictionary(StringComparer.Ordinal));

    private static ClusterPlan Ipsec(ClusterSpec spec) => TestSpecs.Plan(spec with { Overlay = spec.Overlay with { Kind = OverlayKind.Ipsec } });

    private static ClusterRenderer Renderer(RenderOptions options) => new(Tri, TriSecrets, Facts, _ => options);

    private static string File(RenderOptions options, string node, string path) =>
        Renderer(options).Render(node).Bundle.Files.Single(f => f.Path == path).Content;

    [Theory]
    [InlineData("tri-master")]
    [InlineData("tri-b-gw")]
    [InlineData("tri-c-gw")]
    public void A_vpn_nodes_tunnels_in_a_container(string node) =>
        Snapshot.Match($"ipsec/{node}.swanctl.conf", File(RenderOptions.DebianContainer, node, NodePaths.SwanctlConf));

    [Fact]
    public void On_a_vm_the_sas_carry_the_xfrm_interface_id_and_the_routes_script_makes_the_interface()
    {
        Snapshot.Match("ipsec/tri-b-gw.vm.swanctl.conf", File(RenderOptions.DebianVm, "tri-b-gw", NodePaths.SwanctlConf));
        Snapshot.Match("ipsec/tri-b-gw.vm.routes.sh", File(RenderOptions.DebianVm, "tri-b-gw", NodePaths.RoutesScript));
        Assert.DoesNotContain("kernel-libipsec", File(RenderOptions.DebianVm, "tri-b-gw", NodePaths.CharonSettings), StringComparison.Ordinal);
        Assert.DoesNotContain("libcharon-extra-plugins", Renderer(RenderOptions.DebianVm).Render("tri-b-gw").Bundle.Packages);
    }

    [Fact]
    public void In_a_container_charon_does_esp_in_user_space_and_the_routes_wait_for_its_tun_device()
    {
        Snapshot.Match("ipsec/container.strongswan.conf", File(RenderOptions.DebianContainer, "tri-b-gw", NodePaths.CharonSettings));
        Snapshot.Match("ipsec/tri-b-gw.container.routes.sh", File(RenderOptions.DebianContainer, "tri-b-gw", NodePaths.RoutesScript));
        Snapshot.Match("ipsec/strongswan.service.d-gridspan.conf", File(RenderOptions.DebianContainer, "tri-b-gw", NodePaths.StrongswanDropIn));
        var bundle = Renderer(RenderOptions.DebianContainer).Render("tri-b-gw").Bundle;
        Assert.Contains("libcharon-extra-plugins", bundle.Packages);
        Assert.DoesNotContain(bundle.Files, f => f.Path == NodePaths.WireGuardConf);
        var service = Assert.Single(bundle.Services, s => s.Unit == "strongswan.service");
        Assert.Contains(NodePaths.SwanctlSecrets, service.Inputs);
        Assert.Contains(IpsecRenderer.NoRedirectsCommand, bundle.Commands);
        Assert.DoesNotContain(IpsecRenderer.NoRedirectsCommand, Renderer(RenderOptions.DebianContainer).Render("tri-b-cpu-001").Bundle.Commands);
    }

    [Fact]
    public void The_first_end_of_each_tunnel_initiates_and_the_other_answers()
    {
        var tunnels = IpsecRenderer.TunnelsOf(Tri, "tri-b-gw", Facts, NodeRuntime.Container);
        Assert.Equal(["tri-c-gw", "tri-master"], tunnels.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.False(tunnels.Single(t => t.Name == "tri-master").Initiates);
        Assert.True(tunnels.Single(t => t.Name == "tri-c-gw").Initiates);
        var toMaster = tunnels.Single(t => t.Name == "tri-master");
        Assert.Equal([IPNetwork.Parse("10.12.0.0/24"), IPNetwork.Parse("10.99.0.2/32")], toMaster.Local.Subnets.ToArray());
        Assert.Equal([IPNetwork.Parse("10.11.0.0/24"), IPNetwork.Parse("10.99.0.1/32")], toMaster.Remote.Subnets.ToArray());
        Assert.Equal("198.51.100.1", toMaster.Remote.Address);
    }

    [Fact]
    public void Without_the_peers_address_a_tunnel_end_waits_for_the_peer_rather_than_initiating()
    {
        var text = IpsecTunnelRenderer.RenderConnections("test", [new IpsecTunnel("onprem",
            new IpsecEndpoint("gw.example", null, [IPNetwork.Parse("10.1.0.0/24")]),
            new IpsecEndpoint("vpn.onprem.example", null, [IPNetwork.Parse("192.168.0.0/16")]), Initiates: true, InterfaceId: null)]);
        Assert.Contains("remote_addrs = %any\n", text, StringComparison.Ordinal);
        Assert.Contains("start_action = none\n", text, StringComparison.Ordinal);
        Assert.Contains("remote_ts = 192.168.0.0/16\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_tunnel_has_its_own_key_which_only_its_two_ends_receive_in_a_secret_file()
    {
        Assert.Equal(Tri.Overlay.Links.Select(l => l.Name).Order(StringComparer.Ordinal), TriSecrets.Ipsec!.Keys);
        Assert.Equal(3, TriSecrets.Ipsec.Values.Select(k => k.Value).Distinct().Count());
        Assert.Empty(TriSecrets.WireGuard);
        var renderer = Renderer(RenderOptions.DebianContainer);
        foreach (var link in Tri.Overlay.Links)
        {
            var key = TriSecrets.Ipsec[link.Name].Value;
            foreach (var node in Tri.Nodes)
            {
                var files = renderer.Render(node.Name).Bundle.Files.Where(f => f.Content.Contains(key, StringComparison.Ordinal)).ToList();
                if (node.Name == link.From || node.Name == link.To)
                {
                    var file = Assert.Single(files);
                    Assert.Equal((NodePaths.SwanctlSecrets, true, 0b110_000_000), (file.Path, file.IsSecret, file.Mode));
                }
                else
                {
                    Assert.Empty(files);
                }
            }
        }
        Snapshot.Match("ipsec/tri-b-gw.secrets.conf", Redaction.Redact(File(RenderOptions.DebianContainer, "tri-b-gw", NodePaths.SwanctlSecrets), TriSecrets));
    }

    [Fact]
    public void No_key_is_in_the_plan_the_user_data_or_a_printed_secret_and_the_masters_copy_holds_only_its_own_tunnels()
    {
        var keys = TriSecrets.Ipsec!.Values.Select(k => k.Value).ToList();
        var plan = PlanJson.Serialize(Tri);
        var renderer = Renderer(RenderOptions.DebianContainer);
        foreach (var node in Tri.Nodes)
        {
            var rendered = renderer.Render(node.Name);
            var outside = plan + rendered.CloudInitUserData + rendered.Bundle + string.Join("\n", rendered.Bundle.Files.Select(f => f.ToString()));
            Assert.DoesNotContain(keys, k => outside.Contains(k, StringComparison.Ordinal));
        }
        Assert.DoesNotContain(keys, k => TriSecrets.ToString().Contains(k, StringComparison.Ordinal));
        Assert.Subset(TriSecrets.SecretValues().ToHashSet(), keys.ToHashSet());
        Assert.Equal(["tri-master~tri-b-gw", "tri-master~tri-c-gw"], MasterKit.ForMaster(Tri, TriSecrets).Ipsec!.Keys);
    }

    [Fact]
    public void Secrets_of_a_wireguard_cluster_gain_the_tunnel_keys_when_it_turns_to_ipsec_and_keep_them_after()
    {
        var generator = new SecretGenerator(new DeterministicRandomSource("turn"));
        var wireguard = generator.Generate(TestSpecs.Plan(TestSpecs.ThreeSites()));
        Assert.Null(wireguard.Ipsec);
        var ipsec = generator.Generate(Tri, wireguard);
        Assert.Equal(3, ipsec.Ipsec!.Count);
        Assert.Same(ipsec, generator.Generate(Tri, ipsec));
        Assert.Equal(wireguard.Munge, ipsec.Munge);
    }

    [Fact]
    public void The_vpn_nodes_take_ike_and_its_nat_traversal_from_their_peers_only()
    {
        Assert.Equal(Planner.IkePort, Tri.Overlay.ListenPort);
        Assert.Equal(
            [new SecurityRule(IpProtocol.Udp, 500, 500, IPNetwork.Parse("198.51.100.2/32")), new SecurityRule(IpProtocol.Udp, 4500, 4500, IPNetwork.Parse("198.51.100.2/32"))],
            Tri.Firewall.VpnPeerRules([IPAddress.Parse("198.51.100.2")]).ToArray());
        Assert.DoesNotContain(Tri.Firewall.Roles.SelectMany(r => r.Rules), r => r.Protocol == IpProtocol.Udp);
        Assert.Contains(Tri.Secrets, s => s.Name == "ipsec/tri-b-gw~tri-c-gw" && s.Kind == SecretKind.IpsecPreSharedKey && s.Nodes == "tri-b-gw,tri-c-gw");
        Assert.DoesNotContain(Tri.Secrets, s => s.Kind == SecretKind.WireGuardKeyPair);
    }

    [Fact]
    public void Shares_on_a_vpn_node_are_mounted_after_charon_brought_the_tunnels_up()
    {
        var unit = File(RenderOptions.DebianContainer, "tri-b-gw", "/etc/systemd/system/" + StorageRenderer.MountUnitName("/home"));
        Assert.Contains("After=network-online.target strongswan.service\n", unit, StringComparison.Ordinal);
    }
}
