using GridSpan.Providers.Local.Host;
using GridSpan.Providers.Local.Network;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    public Task<FloatingIpRecord> CreateFloatingIpAsync(string name, string clusterId, string portId, CancellationToken cancellationToken) =>
        Store.UpdateAsync(async state =>
        {
            var port = state.Ports.FirstOrDefault(p => p.Id == portId) ?? throw NotFound("port", portId);
            if (state.FloatingIps.Any(f => f.PortId == portId))
            {
                throw Refused(name, $"port {port.Name} already has a floating address");
            }
            var used = state.FloatingIps.Select(f => f.Address).ToHashSet(StringComparer.Ordinal);
            var address = Enumerable.Range(100, AddressMath.HostCount(Options.PublicSegment) - 99)
                .Select(i => AddressMath.Host(Options.PublicSegment, i).ToString()).FirstOrDefault(a => !used.Contains(a))
                ?? throw Refused(name, "the public segment has no floating address left");
            var floating = new FloatingIpRecord(Names.NewId(), name, clusterId, address, portId);
            var network = state.Networks.First(n => n.Id == port.NetworkId);
            await Commands.IpAsync(Names.Router(network.Id), cancellationToken, "addr", "add", $"{address}/32", "dev", "public").ConfigureAwait(false);
            state.FloatingIps.Add(floating);
            await ApplyRouterAsync(state, network, cancellationToken).ConfigureAwait(false);
            return floating;
        }, cancellationToken);
}
