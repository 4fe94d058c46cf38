using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Providers.Aws.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>An Elastic IP of the VPC domain, tagged at allocation, associated with the node's network interface.</summary>
    public async Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cluster = request.ClusterId;
        var existing = (await _call.Ec2Async($"list the Elastic IPs of cluster {cluster}", token =>
                _ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = AwsTags.Of(cluster, request.Name) }, token), cancellationToken).ConfigureAwait(false))
            .Addresses?.FirstOrDefault();
        string allocationId, publicIp;
        if (existing is null)
        {
            var allocated = await _call.Ec2Async($"allocate an Elastic IP for {request.Name}", token =>
                _ec2.AllocateAddressAsync(new AllocateAddressRequest
                {
                    Domain = DomainType.Vpc,
                    TagSpecifications = AwsTags.At(ResourceType.ElasticIp, cluster, request.Name),
                }, token), cancellationToken).ConfigureAwait(false);
            (allocationId, publicIp) = (allocated.AllocationId, allocated.PublicIp);
        }
        else
        {
            (allocationId, publicIp) = (existing.AllocationId, existing.PublicIp);
        }
        if (existing?.NetworkInterfaceId != request.PortId)
        {
            await _call.Ec2Async($"associate the Elastic IP {publicIp} with the network interface {request.PortId}", token =>
                _ec2.AssociateAddressAsync(new AssociateAddressRequest
                {
                    AllocationId = allocationId,
                    NetworkInterfaceId = request.PortId,
                    AllowReassociation = true,
                }, token), cancellationToken).ConfigureAwait(false);
        }
        return new FloatingIpInfo(allocationId, IPAddress.Parse(publicIp), request.PortId);
    }
}
