using System.Net;

namespace GridSpan.Providers.Local.Tests;

[Collection(LocalCloudCollection.Name)]
public sealed class NetworkTests
{
    [Fact]
    public async Task A_server_in_another_site_is_unreachable_until_a_gateway_with_allowed_address_pairs_routes_it()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-net");
        var siteA = await sites.NetworkAsync("site-a", "10.41.0.0/24", 1500);
        var siteB = await sites.NetworkAsync("site-b", "10.42.0.0/24", 1400);
        var fromOtherSite = Sites.Icmp("10.0.0.0/8");
        var gatewayGroup = await sites.GroupAsync("gateway", Sites.Udp(51820, "198.18.0.0/24"), fromOtherSite);
        var nodeGroup = await sites.GroupAsync("node", Sites.Tcp(22), fromOtherSite);
        var a1 = await sites.StartAsync("a1", siteA, nodeGroup);
        var ga = await sites.StartAsync("ga", siteA, gatewayGroup);
        var b1 = await sites.StartAsync("b1", siteB, nodeGroup);
        var gb = await sites.StartAsync("gb", siteB, gatewayGroup);
        foreach (var node in new[] { a1, ga, b1, gb })
        {
            await test.Cloud.WaitActiveAsync(node.ServerId, TimeSpan.FromSeconds(60), CancellationToken.None);
        }
        var gaPublic = await sites.FloatingAsync(ga);
        var gbPublic = await sites.FloatingAsync(gb);

        Assert.Equal("1500", await sites.RunCheckedAsync(a1, "ip -o link show eth0 | sed -E 's/.* mtu ([0-9]+) .*/\\1/'"));
        Assert.Equal("1400", await sites.RunCheckedAsync(b1, "ip -o link show eth0 | sed -E 's/.* mtu ([0-9]+) .*/\\1/'"));
        Assert.True(await sites.PingsAsync(b1, gb.Address), "a server reaches its own site");
        Assert.False(await sites.PingsAsync(b1, a1.Address), "site B must not reach site A's private addresses by itself");

        // Gateways: WireGuard (wireguard-go) between the floating addresses; each site routes the other through its gateway.
        var gaKey = await sites.RunCheckedAsync(ga, "umask 077; wg genkey > /etc/wg.key; wg pubkey < /etc/wg.key");
        var gbKey = await sites.RunCheckedAsync(gb, "umask 077; wg genkey > /etc/wg.key; wg pubkey < /etc/wg.key");
        await sites.RunCheckedAsync(ga, Tunnel(gbKey, gbPublic, "10.42.0.0/24"));
        await sites.RunCheckedAsync(gb, Tunnel(gaKey, gaPublic, "10.41.0.0/24"));
        await sites.RunCheckedAsync(a1, $"ip route add 10.42.0.0/24 via {ga.Address}");
        await sites.RunCheckedAsync(b1, $"ip route add 10.41.0.0/24 via {gb.Address}");
        Assert.True(await sites.PingsAsync(gb, ga.Address), "the gateways reach each other through the tunnel");

        Assert.False(await sites.PingsAsync(b1, a1.Address), "port security drops what a gateway forwards from another site's addresses");

        await sites.Provider.SetAllowedAddressPairsAsync(ga.Port.Id, [IPNetwork.Parse("10.42.0.0/24")], CancellationToken.None);
        await sites.Provider.SetAllowedAddressPairsAsync(gb.Port.Id, [IPNetwork.Parse("10.41.0.0/24")], CancellationToken.None);

        Assert.True(await sites.PingsAsync(b1, a1.Address), "with allowed address pairs the gateways route between the sites");
    }

    private static string Tunnel(string peerKey, IPAddress peerEndpoint, string peerSubnet) => $"""
        set -e
        sysctl -q -w net.ipv4.ip_forward=1
        wireguard-go wg0 >/dev/null 2>&1
        wg set wg0 private-key /etc/wg.key listen-port 51820 peer {peerKey} allowed-ips {peerSubnet} endpoint {peerEndpoint}:51820 persistent-keepalive 1
        ip link set wg0 up
        ip route add {peerSubnet} dev wg0
        """;

    [Fact]
    public async Task A_spoofed_source_address_is_dropped_and_a_port_the_security_group_does_not_open_is_blocked()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-sec");
        var site = await sites.NetworkAsync("site", "10.51.0.0/24", 1500);
        var other = await sites.NetworkAsync("other", "10.52.0.0/24", 1500);
        var onlySsh = await sites.GroupAsync("ssh-only", Sites.Tcp(22));
        var s1 = await sites.StartAsync("s1", site, onlySsh);
        var s2 = await sites.StartAsync("s2", site, onlySsh, "#cloud-config\nruncmd:\n  - [sh, -c, 'nohup python3 -m http.server 8080 >/dev/null 2>&1 &']\n");
        var outsider = await sites.StartAsync("outsider", other, onlySsh);
        foreach (var node in new[] { s1, s2, outsider })
        {
            await test.Cloud.WaitActiveAsync(node.ServerId, TimeSpan.FromSeconds(60), CancellationToken.None);
        }
        var s2Public = await sites.FloatingAsync(s2);
        await WaitForAsync(async () => (await sites.RunAsync(s1, $"nc -z -w 1 {s2.Address} 8080")).Succeeded);

        Assert.True(await sites.PingsAsync(s1, s2.Address), "its own address passes");
        await sites.RunCheckedAsync(s1, "ip addr add 10.51.0.99/24 dev eth0");
        Assert.False(await sites.PingsAsync(s1, s2.Address, source: "10.51.0.99"), "a source address that is not the port's is dropped");

        Assert.True((await sites.RunAsync(outsider, $"nc -z -w 2 {s2Public} 22")).Succeeded, "the group opens SSH to everyone");
        Assert.False((await sites.RunAsync(outsider, $"nc -z -w 2 {s2Public} 8080")).Succeeded, "the group does not open 8080 to other sites");
    }

    [Fact]
    public async Task Narrowing_a_groups_rule_on_running_servers_drops_packets_from_every_other_address()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-narrow");
        var home = await sites.NetworkAsync("home", "10.53.0.0/24", 1500);
        var peerSite = await sites.NetworkAsync("peer", "10.54.0.0/24", 1500);
        var strangerSite = await sites.NetworkAsync("stranger", "10.55.0.0/24", 1500);
        var anyone = await sites.GroupAsync("tunnel", Sites.Tcp(22), Sites.Udp(51820));
        var others = await sites.GroupAsync("others", Sites.Tcp(22));
        var target = await sites.BootAsync("target", home, anyone);
        var peer = await sites.BootAsync("peer", peerSite, others);
        var stranger = await sites.BootAsync("stranger", strangerSite, others);
        var targetPublic = await sites.FloatingAsync(target);
        var peerPublic = await sites.FloatingAsync(peer);
        await sites.FloatingAsync(stranger);
        await sites.RunCheckedAsync(target, $"printf '%s\\n' {ShellListener} > /root/listen.py && (nohup python3 /root/listen.py >/dev/null 2>&1 &)");
        Task SendAsync(Node from, string word) => sites.RunCheckedAsync(from,
            $"python3 -c \"import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'{word}', ('{targetPublic}', 51820))\"");
        async Task<string> ReceivedAsync() => await sites.RunCheckedAsync(target, "cat /root/got 2>/dev/null || true");

        await WaitForAsync(async () => { await SendAsync(stranger, "before"); return (await ReceivedAsync()).Contains("before", StringComparison.Ordinal); });

        await sites.Provider.SetSecurityGroupRulesAsync(anyone.Id, [Sites.Tcp(22), Sites.Udp(51820, $"{peerPublic}/32")], CancellationToken.None);
        await sites.RunCheckedAsync(target, "rm -f /root/got");
        await SendAsync(stranger, "stranger");
        await WaitForAsync(async () => { await SendAsync(peer, "peer"); return (await ReceivedAsync()).Contains("peer", StringComparison.Ordinal); });

        Assert.DoesNotContain("stranger", await ReceivedAsync(), StringComparison.Ordinal);
    }

    /// <summary>A UDP listener on 51820 that appends every datagram to /root/got, one line each (the lines of a Python file, shell-quoted).</summary>
    private const string ShellListener =
        "'import socket' " +
        "'s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)' " +
        "'s.bind((\"0.0.0.0\", 51820))' " +
        "'while True:' " +
        "'    data, _ = s.recvfrom(100)' " +
        "'    open(\"/root/got\", \"a\").write(data.decode() + \"\\n\")'";

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the condition did not become true within 10 s");
    }
}
