using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Common;
using GridSpan.Providers.Aws.Api;
using GridSpan.Provision;
using NetworkInfo = GridSpan.Provision.NetworkInfo;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>The MTU inside a VPC (jumbo frames); traffic through the internet gateway is cut to 1500.</summary>
    private const int VpcMtu = 9001;

    /// <summary>
    /// A VPC whose block is the site's subnet, one subnet of the same block, an internet gateway attached
    /// to the VPC, and a route table (the "router") sending everything else to that gateway, associated
    /// with the subnet. With `vpc:` and `subnet:` set, the existing ones, unchanged.
    /// </summary>
    public async Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_settings.Vpc is { } existingVpc)
        {
            return await ExistingNetworkAsync(existingVpc, _settings.SubnetId!, cancellationToken).ConfigureAwait(false);
        }
        var cluster = request.ClusterId;
        var vpc = (await _call.Ec2Async($"list the VPCs of cluster {cluster}", token =>
                _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = AwsTags.Of(cluster, request.Name) }, token), cancellationToken).ConfigureAwait(false))
            .Vpcs?.FirstOrDefault()
            ?? (await _call.Ec2Async($"create the VPC {request.Name} ({request.Cidr})", token =>
                _ec2.CreateVpcAsync(new CreateVpcRequest
                {
                    CidrBlock = request.Cidr.ToString(),
                    TagSpecifications = AwsTags.At(ResourceType.Vpc, cluster, request.Name),
                }, token), cancellationToken).ConfigureAwait(false)).Vpc;

        var subnetName = request.Name + "-subnet";
        var subnet = (await TaggedSubnetsAsync(cluster, vpc.VpcId, subnetName, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? (await _call.Ec2Async($"create the subnet {subnetName} ({request.Cidr})", token =>
                _ec2.CreateSubnetAsync(new CreateSubnetRequest
                {
                    VpcId = vpc.VpcId,
                    CidrBlock = request.Cidr.ToString(),
                    AvailabilityZone = _settings.AvailabilityZone,
                    TagSpecifications = AwsTags.At(ResourceType.Subnet, cluster, subnetName),
                }, token), cancellationToken).ConfigureAwait(false)).Subnet;

        var gateway = await EnsureInternetGatewayAsync(cluster, request.Name + "-gateway", vpc.VpcId, cancellationToken).ConfigureAwait(false);
        var table = await EnsureRouteTableAsync(cluster, request.Name + "-routes", vpc.VpcId, subnet.SubnetId, gateway, cancellationToken).ConfigureAwait(false);
        return new NetworkInfo(vpc.VpcId, request.Name, subnet.SubnetId, IPNetwork.Parse(subnet.CidrBlock), Math.Min(request.Mtu, VpcMtu), table);
    }

    private async Task<string> EnsureInternetGatewayAsync(string cluster, string name, string vpcId, CancellationToken cancellationToken)
    {
        var gateway = (await _call.Ec2Async($"list the internet gateways of cluster {cluster}", token =>
                _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = AwsTags.Of(cluster, name) }, token), cancellationToken).ConfigureAwait(false))
            .InternetGateways?.FirstOrDefault()
            ?? (await _call.Ec2Async($"create the internet gateway {name}", token =>
                _ec2.CreateInternetGatewayAsync(new CreateInternetGatewayRequest
                {
                    TagSpecifications = AwsTags.At(ResourceType.InternetGateway, cluster, name),
                }, token), cancellationToken).ConfigureAwait(false)).InternetGateway;
        if (!(gateway.Attachments ?? []).Any(a => a.VpcId == vpcId))
        {
            await _call.Ec2Async($"attach the internet gateway {name} to {vpcId}", token =>
                _ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = gateway.InternetGatewayId, VpcId = vpcId }, token),
                cancellationToken).ConfigureAwait(false);
        }
        return gateway.InternetGatewayId;
    }

    /// <returns>The route table's id.</returns>
    private async Task<string> EnsureRouteTableAsync(string cluster, string name, string vpcId, string subnetId, string gatewayId, CancellationToken cancellationToken)
    {
        var table = (await _call.Ec2Async($"list the route tables of cluster {cluster}", token =>
                _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [.. AwsTags.Of(cluster, name), new Filter("vpc-id", [vpcId])] }, token),
                cancellationToken).ConfigureAwait(false))
            .RouteTables?.FirstOrDefault()
            ?? (await _call.Ec2Async($"create the route table {name}", token =>
                _ec2.CreateRouteTableAsync(new CreateRouteTableRequest
                {
                    VpcId = vpcId,
                    TagSpecifications = AwsTags.At(ResourceType.RouteTable, cluster, name),
                }, token), cancellationToken).ConfigureAwait(false)).RouteTable;
        if (!(table.Routes ?? []).Any(r => r.DestinationCidrBlock == "0.0.0.0/0"))
        {
            await _call.Ec2Async($"route 0.0.0.0/0 of {name} to the internet gateway", token =>
                _ec2.CreateRouteAsync(new CreateRouteRequest { RouteTableId = table.RouteTableId, DestinationCidrBlock = "0.0.0.0/0", GatewayId = gatewayId }, token),
                cancellationToken).ConfigureAwait(false);
        }
        if (!(table.Associations ?? []).Any(a => a.SubnetId == subnetId))
        {
            await _call.Ec2Async($"associate the route table {name} with the subnet {subnetId}", token =>
                _ec2.AssociateRouteTableAsync(new AssociateRouteTableRequest { RouteTableId = table.RouteTableId, SubnetId = subnetId }, token),
                cancellationToken).ConfigureAwait(false);
        }
        return table.RouteTableId;
    }

    private async Task<List<Subnet>> TaggedSubnetsAsync(string cluster, string vpcId, string? name, CancellationToken cancellationToken) =>
        (await _call.Ec2Async($"list the subnets of cluster {cluster}", token =>
            _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [.. AwsTags.Of(cluster, name), new Filter("vpc-id", [vpcId])] }, token),
            cancellationToken).ConfigureAwait(false)).Subnets ?? [];

    /// <summary>The subnet a port in <paramref name="vpcId"/> goes into: the site's `subnet:`, or the cluster's subnet of that VPC.</summary>
    private async Task<Subnet> SubnetForPortAsync(string cluster, string vpcId, CancellationToken cancellationToken)
    {
        if (_settings.SubnetId is { } configured)
        {
            return await ExistingSubnetAsync(vpcId, configured, cancellationToken).ConfigureAwait(false);
        }
        var subnets = await TaggedSubnetsAsync(cluster, vpcId, null, cancellationToken).ConfigureAwait(false);
        return subnets.Count == 1 ? subnets[0] : throw GridSpanException.Provider(Site,
            $"the VPC {vpcId} has {subnets.Count} subnets of cluster {cluster}, not one",
            "run `gridspan create` again to make the site's network; if it persists, delete the extra subnets");
    }

    private async Task<NetworkInfo> ExistingNetworkAsync(string vpcId, string subnetId, CancellationToken cancellationToken)
    {
        var subnet = await ExistingSubnetAsync(vpcId, subnetId, cancellationToken).ConfigureAwait(false);
        return new NetworkInfo(vpcId, vpcId, subnet.SubnetId, IPNetwork.Parse(subnet.CidrBlock), VpcMtu, null);
    }

    private async Task<Subnet> ExistingSubnetAsync(string vpcId, string subnetId, CancellationToken cancellationToken)
    {
        var subnet = (await _call.Ec2UnlessGoneAsync($"look up the subnet {subnetId}", token =>
                _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [subnetId] }, token), cancellationToken).ConfigureAwait(false))
            ?.Subnets?.FirstOrDefault();
        if (subnet is null || subnet.VpcId != vpcId)
        {
            throw GridSpanException.Provider(Site, $"the subnet {subnetId} does not exist in the VPC {vpcId} of region {_settings.Region}",
                "set `subnet:` to a subnet of the VPC named by `vpc:` (`aws ec2 describe-subnets --filters Name=vpc-id,Values=<vpc>`)");
        }
        return subnet;
    }

    /// <summary>The route table that routes a subnet's traffic: the one associated with it, else its VPC's main table.</summary>
    private async Task<RouteTable> RouteTableOfAsync(string vpcId, string subnetId, CancellationToken cancellationToken)
    {
        async Task<RouteTable?> Find(params Filter[] filters) =>
            (await _call.Ec2Async($"find the route table of the subnet {subnetId}", token =>
                _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [.. filters] }, token), cancellationToken).ConfigureAwait(false))
            .RouteTables?.FirstOrDefault();
        return await Find(new Filter("association.subnet-id", [subnetId])).ConfigureAwait(false)
            ?? await Find(new Filter("vpc-id", [vpcId]), new Filter("association.main", ["true"])).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(Site, $"the VPC {vpcId} has no route table for the subnet {subnetId}",
                "give the subnet a route table, or run `gridspan create` again");
    }
}
