using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Common;
using GridSpan.Providers.Aws.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>
    /// Deletes one resource the way EC2 accepts it; what is gone already is no error. GridSpan deletes kinds in
    /// the order of <see cref="ResourceKind"/>, which EC2 needs: Elastic IPs (disassociated first), instances
    /// (waited for until terminated), network interfaces (with the routes through them), internet gateways
    /// (detached first) and route tables (disassociated first), subnets, VPCs (with the cluster's security
    /// groups in them, which would keep a VPC alive), security groups, key pairs.
    /// </summary>
    public async Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var id = resource.Id;
        switch (resource.Kind)
        {
            case ResourceKind.FloatingIp:
                await ReleaseAddressAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Server:
                await TerminateInstanceAsync(resource, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Port:
                await DeletePortAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Router when id.StartsWith("igw-", StringComparison.Ordinal):
                await DeleteInternetGatewayAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Router:
                await DeleteRouteTableAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Subnet:
                await _call.Ec2UnlessGoneAsync($"delete the subnet {id}", token =>
                    _ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = id }, token), cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Network:
                await DeleteVpcAsync(resource, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.SecurityGroup:
                await DeleteSecurityGroupAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.KeyPair:
                await _call.Ec2UnlessGoneAsync($"delete the key pair {id}", token =>
                    _ec2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyName = id }, token), cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(resource), resource.Kind, "unknown resource kind");
        }
    }

    private async Task ReleaseAddressAsync(string allocationId, CancellationToken cancellationToken)
    {
        var address = (await _call.Ec2UnlessGoneAsync($"look up the Elastic IP {allocationId}", token =>
                _ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [allocationId] }, token), cancellationToken).ConfigureAwait(false))
            ?.Addresses?.FirstOrDefault();
        if (address is null)
        {
            return;
        }
        if (address.AssociationId is { } association)
        {
            await _call.Ec2UnlessGoneAsync($"disassociate the Elastic IP {address.PublicIp}", token =>
                _ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = association }, token), cancellationToken).ConfigureAwait(false);
        }
        await _call.Ec2UnlessGoneAsync($"release the Elastic IP {address.PublicIp}", token =>
            _ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = allocationId }, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Terminates the instance and waits until EC2 says it is terminated, so its network interface is free to go next.</summary>
    private async Task TerminateInstanceAsync(CloudResource resource, CancellationToken cancellationToken)
    {
        var id = resource.Id;
        if (await _call.Ec2UnlessGoneAsync($"terminate the instance {resource.Name} ({id})", token =>
                _ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] }, token), cancellationToken).ConfigureAwait(false) is null)
        {
            return;
        }
        var terminated = await Wait.UntilAsync(async token =>
                await FindInstanceAsync(id, token).ConfigureAwait(false) is not { } instance || instance.State.Name == InstanceStateName.Terminated,
            PollInterval, TerminateTimeout, Time, cancellationToken).ConfigureAwait(false);
        if (!terminated)
        {
            throw GridSpanException.Provider(Site, $"the instance {resource.Name} ({id}) is not terminated {TerminateTimeout.TotalMinutes:0} minutes after it was told to",
                "run terminate again later; if the instance stays, look at it in the EC2 console");
        }
    }

    private async Task DeletePortAsync(string portId, CancellationToken cancellationToken)
    {
        if (await FindPortAsync(portId, cancellationToken).ConfigureAwait(false) is not { } port)
        {
            return;
        }
        var table = await RouteTableOfAsync(port.VpcId, port.SubnetId, cancellationToken).ConfigureAwait(false);
        await DeleteRoutesThroughAsync(table, portId, keep: new HashSet<string>(), cancellationToken).ConfigureAwait(false);
        await _call.Ec2UnlessGoneAsync($"delete the network interface {portId}", token =>
            _ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = portId }, token), cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteInternetGatewayAsync(string gatewayId, CancellationToken cancellationToken)
    {
        var gateway = (await _call.Ec2UnlessGoneAsync($"look up the internet gateway {gatewayId}", token =>
                _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { InternetGatewayIds = [gatewayId] }, token), cancellationToken).ConfigureAwait(false))
            ?.InternetGateways?.FirstOrDefault();
        if (gateway is null)
        {
            return;
        }
        foreach (var attachment in gateway.Attachments ?? [])
        {
            await _call.Ec2UnlessGoneAsync($"detach the internet gateway {gatewayId} from {attachment.VpcId}", token =>
                _ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = gatewayId, VpcId = attachment.VpcId }, token),
                cancellationToken).ConfigureAwait(false);
        }
        await _call.Ec2UnlessGoneAsync($"delete the internet gateway {gatewayId}", token =>
            _ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = gatewayId }, token), cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteRouteTableAsync(string tableId, CancellationToken cancellationToken)
    {
        var table = (await _call.Ec2UnlessGoneAsync($"look up the route table {tableId}", token =>
                _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = [tableId] }, token), cancellationToken).ConfigureAwait(false))
            ?.RouteTables?.FirstOrDefault();
        if (table is null)
        {
            return;
        }
        foreach (var association in (table.Associations ?? []).Where(a => a.Main != true))
        {
            await _call.Ec2UnlessGoneAsync($"disassociate the route table {tableId} from {association.SubnetId}", token =>
                _ec2.DisassociateRouteTableAsync(new DisassociateRouteTableRequest { AssociationId = association.RouteTableAssociationId }, token),
                cancellationToken).ConfigureAwait(false);
        }
        await _call.Ec2UnlessGoneAsync($"delete the route table {tableId}", token =>
            _ec2.DeleteRouteTableAsync(new DeleteRouteTableRequest { RouteTableId = tableId }, token), cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteVpcAsync(CloudResource vpc, CancellationToken cancellationToken)
    {
        var groups = (await _call.Ec2Async($"list the security groups of cluster {vpc.ClusterId} in {vpc.Id}", token =>
                _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [.. AwsTags.Of(vpc.ClusterId), new Filter("vpc-id", [vpc.Id])] }, token),
                cancellationToken).ConfigureAwait(false))
            .SecurityGroups ?? [];
        foreach (var group in groups)
        {
            await DeleteSecurityGroupAsync(group.GroupId, cancellationToken).ConfigureAwait(false);
        }
        await _call.Ec2UnlessGoneAsync($"delete the VPC {vpc.Name} ({vpc.Id})", token =>
            _ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpc.Id }, token), cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteSecurityGroupAsync(string groupId, CancellationToken cancellationToken) =>
        await _call.Ec2UnlessGoneAsync($"delete the security group {groupId}", token =>
            _ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = groupId }, token), cancellationToken).ConfigureAwait(false);
}
