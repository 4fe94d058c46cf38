using System.Collections.Immutable;
using Amazon.EC2.Model;
using GridSpan.Providers.Aws.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>
    /// Everything in the region tagged with the cluster: Elastic IPs, instances that are not terminated, network
    /// interfaces, route tables and internet gateways (both kind Router), subnets, VPCs, security groups, key pairs.
    /// </summary>
    public async Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var filters = AwsTags.Of(clusterId);
        CloudResource Found(ResourceKind kind, string id, IEnumerable<Tag>? tags) => new(kind, id, AwsTags.NameOf(tags, id), clusterId);
        Task<T> List<T>(string what, Func<CancellationToken, Task<T>> call) => _call.Ec2Async($"list the {what} of cluster {clusterId}", call, cancellationToken);

        var all = await Task.WhenAll(
            Task.Run(async () => (await List("Elastic IPs", t => _ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = filters }, t)).ConfigureAwait(false))
                .Addresses?.Select(a => Found(ResourceKind.FloatingIp, a.AllocationId, a.Tags)) ?? [], cancellationToken),
            Task.Run(async () => (await List("instances", t => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest
                {
                    Filters = [.. filters, new Filter("instance-state-name", ["pending", "running", "shutting-down", "stopping", "stopped"])],
                }, t)).ConfigureAwait(false))
                .Reservations?.SelectMany(r => r.Instances ?? []).Select(i => Found(ResourceKind.Server, i.InstanceId, i.Tags)) ?? [], cancellationToken),
            Task.Run(async () => (await List("network interfaces", t => _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = filters }, t)).ConfigureAwait(false))
                .NetworkInterfaces?.Select(n => Found(ResourceKind.Port, n.NetworkInterfaceId, n.TagSet)) ?? [], cancellationToken),
            Task.Run(async () => (await List("route tables", t => _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = filters }, t)).ConfigureAwait(false))
                .RouteTables?.Select(r => Found(ResourceKind.Router, r.RouteTableId, r.Tags)) ?? [], cancellationToken),
            Task.Run(async () => (await List("internet gateways", t => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = filters }, t)).ConfigureAwait(false))
                .InternetGateways?.Select(g => Found(ResourceKind.Router, g.InternetGatewayId, g.Tags)) ?? [], cancellationToken),
            Task.Run(async () => (await List("subnets", t => _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = filters }, t)).ConfigureAwait(false))
                .Subnets?.Select(s => Found(ResourceKind.Subnet, s.SubnetId, s.Tags)) ?? [], cancellationToken),
            Task.Run(async () => (await List("VPCs", t => _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = filters }, t)).ConfigureAwait(false))
                .Vpcs?.Select(v => Found(ResourceKind.Network, v.VpcId, v.Tags)) ?? [], cancellationToken),
            Task.Run(async () => (await List("security groups", t => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = filters }, t)).ConfigureAwait(false))
                .SecurityGroups?.Select(g => Found(ResourceKind.SecurityGroup, g.GroupId, g.Tags)) ?? [], cancellationToken),
            Task.Run(async () => (await List("key pairs", t => _ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = filters }, t)).ConfigureAwait(false))
                .KeyPairs?.Select(k => new CloudResource(ResourceKind.KeyPair, k.KeyName, k.KeyName, clusterId)) ?? [], cancellationToken)).ConfigureAwait(false);
        return [.. all.SelectMany(r => r).OrderBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }
}
