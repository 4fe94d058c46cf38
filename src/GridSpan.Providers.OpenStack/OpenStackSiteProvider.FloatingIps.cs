using System.Net;
using System.Text.Json.Nodes;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

public sealed partial class OpenStackSiteProvider
{
    public async Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        var tag = ClusterTag.For(request.ClusterId);
        var existing = (await neutron.ListAsync("floatingips", new Dictionary<string, string> { ["tags"] = tag, ["port_id"] = request.PortId }, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();
        if (existing is null)
        {
            var external = (await ExternalNetworkAsync(neutron, required: true, cancellationToken).ConfigureAwait(false))!;
            existing = await neutron.CreateAsync("floatingips", new JsonObject
            {
                ["floating_network_id"] = external.Id,
                ["port_id"] = request.PortId,
                ["description"] = $"{request.Name} (GridSpan cluster {request.ClusterId})",
            }, tag, cancellationToken).ConfigureAwait(false);
        }
        return new FloatingIpInfo(existing.Id, IPAddress.Parse(existing.Text("floating_ip_address")!), existing.Text("port_id") ?? request.PortId);
    }
}
