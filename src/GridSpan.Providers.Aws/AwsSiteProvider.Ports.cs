using System.Collections.Immutable;
using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Common;
using GridSpan.Providers.Aws.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>A network interface (ENI) in the site's subnet, at the planned address, in the given security groups.</summary>
    public async Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cluster = request.ClusterId;
        var port = (await _call.Ec2Async($"list the network interfaces of cluster {cluster}", token =>
                _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
                {
                    Filters = [.. AwsTags.Of(cluster, request.Name), new Filter("vpc-id", [request.NetworkId])],
                }, token), cancellationToken).ConfigureAwait(false))
            .NetworkInterfaces?.FirstOrDefault();
        if (port is null)
        {
            var subnet = await SubnetForPortAsync(cluster, request.NetworkId, cancellationToken).ConfigureAwait(false);
            port = (await _call.Ec2Async($"create the network interface {request.Name}", token =>
                _ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest
                {
                    SubnetId = subnet.SubnetId,
                    PrivateIpAddress = request.FixedAddress?.ToString(),
                    Groups = [.. request.SecurityGroupIds],
                    Description = $"GridSpan cluster {cluster}: {request.Name}",
                    TagSpecifications = AwsTags.At(ResourceType.NetworkInterface, cluster, request.Name),
                }, token), cancellationToken).ConfigureAwait(false)).NetworkInterface;
        }
        return await ForwardAsync(port, request.AllowedAddressPairs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// AWS's form of allowed address pairs: for a non-empty set, the ENI's source/destination check off and a
    /// route for each range through the ENI in its subnet's route table; for an empty set, the routes through
    /// it removed and the check on again.
    /// </summary>
    public async Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var port = await FindPortAsync(portId, cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(Site, $"network interface {portId} does not exist", "run `gridspan create` again to recreate it");
        return await ForwardAsync(port, allowed, cancellationToken).ConfigureAwait(false);
    }

    private async Task<NetworkInterface?> FindPortAsync(string portId, CancellationToken cancellationToken) =>
        (await _call.Ec2UnlessGoneAsync($"look up the network interface {portId}", token =>
            _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [portId] }, token), cancellationToken).ConfigureAwait(false))
        ?.NetworkInterfaces?.FirstOrDefault();

    private async Task<PortInfo> ForwardAsync(NetworkInterface port, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var id = port.NetworkInterfaceId;
        var forwards = !allowed.IsDefaultOrEmpty;
        if (forwards)
        {
            await SetSourceDestCheckAsync(port, false, cancellationToken).ConfigureAwait(false);
        }
        var table = await RouteTableOfAsync(port.VpcId, port.SubnetId, cancellationToken).ConfigureAwait(false);
        var wanted = (forwards ? allowed : []).Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
        var routes = table.Routes ?? [];
        foreach (var destination in wanted.Where(d => !routes.Any(r => r.DestinationCidrBlock == d && r.NetworkInterfaceId == id)))
        {
            if (routes.Any(r => r.DestinationCidrBlock == destination))
            {
                await _call.Ec2Async($"route {destination} through the network interface {id} instead", token =>
                    _ec2.ReplaceRouteAsync(new ReplaceRouteRequest { RouteTableId = table.RouteTableId, DestinationCidrBlock = destination, NetworkInterfaceId = id }, token),
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _call.Ec2Async($"route {destination} through the network interface {id}", token =>
                    _ec2.CreateRouteAsync(new CreateRouteRequest { RouteTableId = table.RouteTableId, DestinationCidrBlock = destination, NetworkInterfaceId = id }, token),
                    cancellationToken).ConfigureAwait(false);
            }
        }
        await DeleteRoutesThroughAsync(table, id, keep: wanted, cancellationToken).ConfigureAwait(false);
        if (!forwards)
        {
            await SetSourceDestCheckAsync(port, true, cancellationToken).ConfigureAwait(false);
        }
        return new PortInfo(id, AwsTags.NameOf(port.TagSet, id), IPAddress.Parse(port.PrivateIpAddress), port.MacAddress,
            [.. wanted.Order(StringComparer.Ordinal).Select(IPNetwork.Parse)]);
    }

    private async Task DeleteRoutesThroughAsync(RouteTable table, string portId, HashSet<string> keep, CancellationToken cancellationToken)
    {
        foreach (var route in (table.Routes ?? []).Where(r => r.NetworkInterfaceId == portId && r.DestinationCidrBlock is { } d && !keep.Contains(d)))
        {
            await _call.Ec2UnlessGoneAsync($"remove the route {route.DestinationCidrBlock} through the network interface {portId}", token =>
                _ec2.DeleteRouteAsync(new DeleteRouteRequest { RouteTableId = table.RouteTableId, DestinationCidrBlock = route.DestinationCidrBlock }, token),
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SetSourceDestCheckAsync(NetworkInterface port, bool check, CancellationToken cancellationToken)
    {
        if (port.SourceDestCheck == check)
        {
            return;
        }
        await _call.Ec2Async($"turn the source/destination check of the network interface {port.NetworkInterfaceId} {(check ? "on" : "off")}", token =>
            _ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
            {
                NetworkInterfaceId = port.NetworkInterfaceId,
                SourceDestCheck = check,
            }, token), cancellationToken).ConfigureAwait(false);
    }
}
