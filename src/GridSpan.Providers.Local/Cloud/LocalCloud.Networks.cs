using System.Globalization;
using System.Net;
using GridSpan.Providers.Local.Host;
using GridSpan.Providers.Local.Network;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    public async Task<NetworkRecord> CreateNetworkAsync(string name, string clusterId, IPNetwork cidr, int mtu, CancellationToken cancellationToken)
    {
        await PreflightAsync(cancellationToken).ConfigureAwait(false);
        if (cidr.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || cidr.PrefixLength is < 16 or > 29)
        {
            throw Refused(name, $"the subnet {cidr} is not an IPv4 subnet between /16 and /29");
        }
        if (mtu is < 1280 or > 9000)
        {
            throw Refused(name, $"the MTU {mtu} is outside 1280..9000");
        }
        return await Store.UpdateAsync(async state =>
        {
            // Creating a cluster's network again (a retried or resumed create) returns the one that exists.
            if (state.Networks.FirstOrDefault(n => n.Name == name && n.ClusterId == clusterId) is { } existing)
            {
                return existing.Cidr == cidr.ToString()
                    ? existing
                    : throw Refused(name, $"cluster {clusterId} already has a network named {name}, with the subnet {existing.Cidr}, not {cidr}",
                        "keep the site's subnet as it was created, or terminate the cluster first");
            }
            if (Overlaps(cidr, Options.PublicSegment) || state.Networks.Any(n => Overlaps(cidr, IPNetwork.Parse(n.Cidr)) && n.ClusterId == clusterId))
            {
                throw Refused(name, $"the subnet {cidr} overlaps the public segment or another network of cluster {clusterId}");
            }
            await EnsureWorldAsync(state, cancellationToken).ConfigureAwait(false);
            var used = state.Networks.Select(n => n.RouterAddress).ToHashSet(StringComparer.Ordinal);
            var routerAddress = Enumerable.Range(2, 97).Select(i => AddressMath.Host(Options.PublicSegment, i).ToString())
                .FirstOrDefault(a => !used.Contains(a)) ?? throw Refused(name, "the public segment has no router address left (97 networks)");
            var network = new NetworkRecord(Names.NewId(), name, clusterId, cidr.ToString(), mtu, routerAddress);
            try
            {
                await CreateSiteNetworkAsync(network, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await RemoveSiteNetworkAsync(network.Id).ConfigureAwait(false);
                throw;
            }
            state.Networks.Add(network);
            await ApplyRouterAsync(state, network, cancellationToken).ConfigureAwait(false);
            return network;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateSiteNetworkAsync(NetworkRecord network, CancellationToken cancellationToken)
    {
        var world = Names.World;
        var router = Names.Router(network.Id);
        var cidr = IPNetwork.Parse(network.Cidr);
        var mtu = network.Mtu.ToString(CultureInfo.InvariantCulture);
        var bridge = Names.SiteBridge(network.Id);
        await Commands.IpAsync(world, cancellationToken, "link", "add", bridge, "mtu", mtu, "type", "bridge").ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "set", bridge, "up").ConfigureAwait(false);
        await Commands.RunAsync(cancellationToken, "ip", "netns", "add", router).ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
        await Commands.SysctlAsync(router, "net.ipv4.ip_forward=1", cancellationToken).ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "add", Names.RouterSiteLeg(network.Id), "mtu", mtu, "type", "veth",
            "peer", "name", "site", "netns", router).ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "set", Names.RouterSiteLeg(network.Id), "master", bridge, "up").ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "add", Names.RouterPublicLeg(network.Id), "type", "veth",
            "peer", "name", "public", "netns", router).ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "set", Names.RouterPublicLeg(network.Id), "master", Names.PublicBridge, "up").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "addr", "add", $"{AddressMath.Host(cidr, 1)}/{cidr.PrefixLength}", "dev", "site").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "link", "set", "site", "mtu", mtu, "up").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "addr", "add",
            $"{network.RouterAddress}/{Options.PublicSegment.PrefixLength}", "dev", "public").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "link", "set", "public", "up").ConfigureAwait(false);
    }

    private async Task RemoveSiteNetworkAsync(string networkId)
    {
        var router = Names.Router(networkId);
        if (File.Exists(Names.NetnsPath(router)))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "netns", "del", router).ConfigureAwait(false);
        }
        if (File.Exists(Names.NetnsPath(Names.World)))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "-n", Names.World, "link", "del", Names.SiteBridge(networkId)).ConfigureAwait(false);
        }
    }
}
