using GridSpan.Plan;
using GridSpan.Common.Quoting;

namespace GridSpan.Render;

/// <summary>dnsmasq on the master (every node's name, on-demand ones included), and each node's /etc/hosts and resolv.conf.</summary>
public static class DnsRenderer
{
    public static string RenderDnsmasqConf(ClusterPlan plan, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var master = plan.MasterNode;
        var text = new TextLines()
            .Line($"# DNS of cluster {plan.Name} ({plan.Domain}), rendered by GridSpan.")
            .Line("# Listen on these addresses only; bind-dynamic picks up wg0's address when the tunnel comes up.")
            .Line("# Naming addresses also turns off Debian's --local-service, which would refuse the other sites.")
            .Line("bind-dynamic")
            .Line("listen-address=127.0.0.1")
            .Line($"listen-address={master.Address}");
        foreach (var overlay in new[] { master.OverlayAddress, master.SwitchedAddress }.OfType<System.Net.IPAddress>())
        {
            text.Line($"listen-address={overlay}");
        }
        text.Line($"domain={DnsmasqQuote.Value(plan.Domain)}")
            .Line($"local={DnsmasqQuote.Value($"/{plan.Domain}/")}")
            .Line("domain-needed")
            .Line("bogus-priv")
            .Line("# The cluster's names come from the files in hostsdir (re-read on change), not from /etc/hosts.")
            .Line("no-hosts")
            .Line($"hostsdir={NodePaths.DnsHostsDir}")
            .Line("no-resolv");
        if (options.UpstreamDns.Count == 0)
        {
            text.Line("# No upstream resolver: only cluster names are answered.");
        }
        foreach (var server in options.UpstreamDns)
        {
            text.Line($"server={DnsmasqQuote.Value(server)}");
        }
        return text.ToString();
    }

    public static string RenderDnsHosts(ClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new TextLines().Line($"# Every node of cluster {plan.Name}, on-demand ones included (their addresses are planned).");
        foreach (var record in plan.Dns)
        {
            text.Line($"{record.Address} {HostsQuote.Name(record.Fqdn)} {HostsQuote.Name(record.Name)}");
        }
        return text.ToString();
    }

    /// <summary>/etc/hosts: the node itself (munged and slurmd resolve their own name at start), the master, and the site's VPN node, so the node boots before DNS is reachable.</summary>
    public static string RenderHosts(ClusterPlan plan, NodePlan node, NodePlan master, NodePlan siteVpnNode)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(siteVpnNode);
        var text = new TextLines()
            .Line("# Rendered by GridSpan; every other node is in the cluster DNS.")
            .Line("127.0.0.1 localhost")
            .Line("::1 localhost ip6-localhost ip6-loopback")
            .Line("ff02::1 ip6-allnodes")
            .Line("ff02::2 ip6-allrouters");
        foreach (var entry in new[] { node, master, siteVpnNode }.DistinctBy(n => n.Name))
        {
            text.Line($"{entry.ClusterAddress} {HostsQuote.Name($"{entry.Name}.{plan.Domain}")} {HostsQuote.Name(entry.Name)}");
        }
        return text.ToString();
    }

    public static string RenderResolvConf(ClusterPlan plan, NodePlan node)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        var server = node.Role == NodeRole.Master ? "127.0.0.1" : plan.MasterNode.Address.ToString();
        return new TextLines()
            .Line("# Rendered by GridSpan: the master's dnsmasq answers for the cluster.")
            .Line($"search {HostsQuote.Name(plan.Domain)}")
            .Line($"nameserver {server}")
            .Line("options timeout:2 attempts:3")
            .ToString();
    }
}
