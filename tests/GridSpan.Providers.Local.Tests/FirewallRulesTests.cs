using System.Runtime.CompilerServices;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Network;

namespace GridSpan.Providers.Local.Tests;

/// <summary>The nft scripts compared with committed snapshots; GRIDSPAN_UPDATE_SNAPSHOTS=1 rewrites them.</summary>
public sealed class FirewallRulesTests
{
    private static readonly PortRecord Gateway = new("aaaa0001", "gw", "c1", "net00001", "10.11.0.10", "02:aa:aa:00:01:01", ["sg000001"],
        ["10.12.0.0/24", "10.13.0.0/24"], "srv00001");

    private static readonly PortRecord Worker = new("aaaa0002", "w1", "c1", "net00001", "10.11.0.11", "02:aa:aa:00:02:01", ["sg000001"], [], "srv00002");

    private static readonly PortRecord Unattached = new("aaaa0003", "spare", "c1", "net00001", "10.11.0.12", "02:aa:aa:00:03:01", [], [], null);

    [Fact]
    public void Port_security_allows_each_attached_port_its_own_addresses_and_its_pairs() =>
        Matches(FirewallRules.PortSecurity([Worker, Unattached, Gateway]));

    [Fact]
    public void A_router_maps_floating_addresses_one_to_one_and_masquerades_the_rest() =>
        Matches(FirewallRules.Router(new NetworkRecord("net00001", "site-a", "c1", "10.11.0.0/24", 1450, "198.18.0.2"),
            [(new FloatingIpRecord("fip00001", "gw-fip", "c1", "198.18.0.100", Gateway.Id), Gateway)]));

    [Fact]
    public void Security_groups_admit_the_site_replies_and_only_the_opened_ports_from_outside() =>
        Matches(FirewallRules.SecurityGroups("10.11.0.0/24",
        [
            new SecurityGroupRecord("sg000001", "gateway", "c1",
            [
                new RuleRecord("tcp", 22, 22, "0.0.0.0/0"),
                new RuleRecord("udp", 51820, 51820, "198.18.0.0/24"),
                new RuleRecord("tcp", 6817, 6819, "10.12.0.0/16"),
                new RuleRecord("icmp", 0, 0, "10.0.0.0/8"),
            ]),
        ]));

    private static void Matches(string actual, [CallerMemberName] string name = "", [CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, "Snapshots", name + ".nft");
        if (Environment.GetEnvironmentVariable("GRIDSPAN_UPDATE_SNAPSHOTS") == "1" || !File.Exists(path))
        {
            File.WriteAllText(path, actual);
        }
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
