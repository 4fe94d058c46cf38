using System.Globalization;
using System.Net;
using GridSpan.Common;
using GridSpan.Providers.Local.Network;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    public Task<PortRecord> CreatePortAsync(string name, string clusterId, string networkId, IPAddress? fixedAddress,
        IEnumerable<string> securityGroupIds, IEnumerable<IPNetwork> allowedAddressPairs, CancellationToken cancellationToken)
    {
        var groups = securityGroupIds.ToList();
        var allowed = allowedAddressPairs.Select(CheckPair).ToList();
        return Store.UpdateAsync(state =>
        {
            var network = state.Networks.FirstOrDefault(n => n.Id == networkId)
                ?? throw NotFound("network", networkId);
            foreach (var group in groups.Where(g => state.SecurityGroups.All(s => s.Id != g)))
            {
                throw NotFound("security group", group);
            }
            var cidr = IPNetwork.Parse(network.Cidr);
            var taken = state.Ports.Where(p => p.NetworkId == networkId).Select(p => p.Address).ToHashSet(StringComparer.Ordinal);
            string address;
            if (fixedAddress is not null)
            {
                if (!cidr.Contains(fixedAddress) || fixedAddress.Equals(AddressMath.Host(cidr, 1)) || fixedAddress.Equals(cidr.BaseAddress)
                    || AddressMath.ToUInt(fixedAddress) == AddressMath.ToUInt(cidr.BaseAddress) + (uint)AddressMath.HostCount(cidr) + 1)
                {
                    throw Refused(name, $"{fixedAddress} is not a usable address of {cidr} (.1 is the router)");
                }
                address = fixedAddress.ToString();
                if (taken.Contains(address))
                {
                    throw Refused(name, $"{address} is already used by another port in network {network.Name}");
                }
            }
            else
            {
                address = Enumerable.Range(10, Math.Max(0, AddressMath.HostCount(cidr) - 9))
                    .Select(i => AddressMath.Host(cidr, i).ToString()).FirstOrDefault(a => !taken.Contains(a))
                    ?? throw Refused(name, $"network {network.Name} ({cidr}) has no free address left");
            }
            var id = Names.NewId();
            // The MAC follows the address: an on-demand node started again gets a new port with its old
            // address, and a new MAC would leave its neighbours sending to the old one until their ARP
            // entry failed (about 9 s). Unique within the network, as the address is.
            var mac = "02:00:" + string.Join(':', IPAddress.Parse(address).GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            var port = new PortRecord(id, name, clusterId, networkId, address, mac, groups, allowed.Select(a => a.ToString()).ToList(), null);
            state.Ports.Add(port);
            return port;
        }, cancellationToken);
    }

    public Task<PortRecord> SetAllowedAddressPairsAsync(string portId, IEnumerable<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var pairs = allowed.Select(CheckPair).Select(a => a.ToString()).ToList();
        return Store.UpdateAsync(async state =>
        {
            var index = state.Ports.FindIndex(p => p.Id == portId);
            if (index < 0)
            {
                throw NotFound("port", portId);
            }
            var port = state.Ports[index] with { AllowedAddressPairs = pairs };
            state.Ports[index] = port;
            if (File.Exists(Names.NetnsPath(Names.World)))
            {
                await ApplyPortSecurityAsync(state, cancellationToken).ConfigureAwait(false);
            }
            return port;
        }, cancellationToken);
    }

    private static IPNetwork CheckPair(IPNetwork pair) =>
        pair.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? pair
            : throw GridSpanException.Provider("local", $"the allowed address pair {pair} is not IPv4; the local cloud is IPv4 only");
}
