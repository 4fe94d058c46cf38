using System.Globalization;
using System.Text;
using GridSpan.Providers.Local.Cloud;

namespace GridSpan.Providers.Local.Network;

/// <summary>
/// The nftables scripts of the local cloud, computed from its state (pure). Each script replaces its
/// whole table atomically, so rules always match the state they were computed from.
/// </summary>
public static class FirewallRules
{
    public const string PortTable = "gridspan_ports";
    public const string RouterTable = "gridspan_router";
    public const string SecurityTable = "gridspan_security_group";

    /// <summary>
    /// Port security in the world namespace (bridge family, so a node cannot change it): a frame from a
    /// server's port must carry the port's MAC and an IPv4/ARP source that is the port's address or one
    /// of its allowed address pairs. Anything else, and all IPv6, is dropped.
    /// </summary>
    public static string PortSecurity(IEnumerable<PortRecord> ports)
    {
        var attached = ports.Where(p => p.ServerId is not null).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"table bridge {PortTable}\ndelete table bridge {PortTable}\ntable bridge {PortTable} {{\n");
        foreach (var port in attached)
        {
            var allowed = string.Join(", ", new[] { port.Address }.Concat(port.AllowedAddressPairs));
            text.Append(CultureInfo.InvariantCulture, $$"""
                  set allowed_{{port.Id}} { type ipv4_addr; flags interval; auto-merge; elements = { {{allowed}} } }
                  chain from_{{port.Id}} {
                    ether saddr != {{port.Mac}} drop
                    meta protocol ip ip saddr != @allowed_{{port.Id}} drop
                    meta protocol arp arp saddr ether != {{port.Mac}} drop
                    meta protocol arp arp saddr ip != @allowed_{{port.Id}} drop
                    meta protocol ip6 drop
                    accept
                  }

                """);
        }
        text.Append("  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
        foreach (var port in attached)
        {
            text.Append(CultureInfo.InvariantCulture, $"    iifname \"{Names.PortLeg(port.Id)}\" jump from_{port.Id}\n");
        }
        text.Append("  }\n}\n");
        return text.ToString();
    }

    /// <summary>
    /// A site router: it forwards between the site and the public segment only for floating addresses
    /// (1:1 NAT) and for the site's own outbound traffic (masqueraded to the router's public address).
    /// It has no route to any other site's subnet and no default route, so nothing leaves the segment.
    /// </summary>
    public static string Router(NetworkRecord network, IEnumerable<(FloatingIpRecord Floating, PortRecord Port)> floating)
    {
        var pairs = floating.OrderBy(f => f.Floating.Address, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"table ip {RouterTable}\ndelete table ip {RouterTable}\ntable ip {RouterTable} {{\n");
        text.Append("  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n");
        foreach (var (f, port) in pairs)
        {
            text.Append(CultureInfo.InvariantCulture, $"    iifname \"public\" ip daddr {f.Address} dnat to {port.Address}\n");
        }
        text.Append("  }\n  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        foreach (var (f, port) in pairs)
        {
            text.Append(CultureInfo.InvariantCulture, $"    oifname \"public\" ip saddr {port.Address} snat to {f.Address}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"    oifname \"public\" ip saddr {network.Cidr} snat to {network.RouterAddress}\n  }}\n");
        text.Append("""
              chain forward {
                type filter hook forward priority 0; policy drop;
                iifname "site" oifname "public" accept
                iifname "public" oifname "site" ct state established,related accept
                iifname "public" oifname "site" ct status dnat accept
              }
            }

            """);
        return text.ToString();
    }

    /// <summary>
    /// A server's security groups, in its own namespace (stateful, input and forwarded traffic that
    /// enters through its port): replies and traffic from its own site pass; anything else from outside
    /// the site only when a rule of one of its groups allows it.
    /// </summary>
    public static string SecurityGroups(string siteCidr, IEnumerable<SecurityGroupRecord> groups)
    {
        var rules = groups.SelectMany(g => g.Rules).Select(Rule).Distinct(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"table inet {SecurityTable}\ndelete table inet {SecurityTable}\ntable inet {SecurityTable} {{\n");
        text.Append("  chain from_port {\n    ct state established,related accept\n    ct state invalid drop\n");
        text.Append(CultureInfo.InvariantCulture, $"    ip saddr {siteCidr} accept\n");
        text.Append("    meta l4proto icmp icmp type { destination-unreachable, time-exceeded, parameter-problem } accept\n");
        foreach (var rule in rules)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {rule}\n");
        }
        text.Append("    drop\n  }\n");
        text.Append("""
              chain input {
                type filter hook input priority -10; policy accept;
                iifname "eth0" jump from_port
              }
              chain forward {
                type filter hook forward priority -10; policy accept;
                iifname "eth0" jump from_port
              }
            }

            """);
        return text.ToString();
    }

    private static string Rule(RuleRecord rule)
    {
        var source = rule.Source is "0.0.0.0/0" ? "" : $"ip saddr {rule.Source} ";
        var ports = rule.PortMin == rule.PortMax
            ? rule.PortMin.ToString(CultureInfo.InvariantCulture)
            : $"{rule.PortMin}-{rule.PortMax}";
        return rule.Protocol switch
        {
            "tcp" => $"{source}tcp dport {ports} accept",
            "udp" => $"{source}udp dport {ports} accept",
            "icmp" => $"{source}meta l4proto icmp accept",
            _ => $"{source}accept",
        };
    }
}
