using System.Collections.Immutable;
using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Common;
using GridSpan.Elastic;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws.Tests.Capacity;

/// <summary>
/// A resume that EC2 refuses for capacity or a limit fails with GridSpan's error, and the node's reason in `sinfo -R`
/// (<see cref="ElasticNodes.Reason"/>, the path quota errors of the other clouds take) names EC2's code and message.
/// </summary>
public sealed class CapacityOnResumeTests
{
    private static readonly AwsSiteSettings Settings = new("eu-central-1", null, null, null, null, null, []);

    private static ServerRequest Worker => new("hpc-aws-cpu-003", "hpc-1a2b3c", "ami-0123456789abcdef0", "c7i.2xlarge", "eni-0123456789abcdef0",
        "admin", null, ImmutableSortedDictionary<string, string>.Empty);

    [Theory]
    [InlineData("InsufficientInstanceCapacity", HttpStatusCode.InternalServerError,
        "We currently do not have sufficient c7i.2xlarge capacity in the Availability Zone you requested (eu-central-1a). Our system will be working on provisioning additional capacity.",
        "gridspan: site 'aws-a': EC2 has no capacity to create the instance hpc-aws-cpu-003 (c7i.2xlarge): InsufficientInstanceCapacity: "
        + "We currently do not have sufficient c7i.2xlarge capacity in the Avail...")]
    [InlineData("InsufficientFreeAddressesInSubnet", HttpStatusCode.BadRequest, "The specified subnet subnet-1 has no free addresses.",
        "gridspan: site 'aws-a': EC2 has no capacity to create the instance hpc-aws-cpu-003 (c7i.2xlarge): InsufficientFreeAddressesInSubnet: "
        + "The specified subnet subnet-1 has no free addresses.")]
    [InlineData("VcpuLimitExceeded", HttpStatusCode.BadRequest, "You have requested more vCPU capacity than your current vCPU limit of 32 allows.",
        "gridspan: site 'aws-a': EC2 refused to create the instance hpc-aws-cpu-003 (c7i.2xlarge): VcpuLimitExceeded: "
        + "You have requested more vCPU capacity than your current vCPU limit of 32 allows.")]
    [InlineData("InstanceLimitExceeded", HttpStatusCode.BadRequest, "Your quota allows for 0 more running instance(s).",
        "gridspan: site 'aws-a': EC2 refused to create the instance hpc-aws-cpu-003 (c7i.2xlarge): InstanceLimitExceeded: "
        + "Your quota allows for 0 more running instance(s).")]
    public async Task A_refusal_for_capacity_or_a_limit_becomes_the_nodes_reason_with_ec2s_code_and_message(
        string code, HttpStatusCode status, string message, string reason)
    {
        await using var ec2 = new LoopbackAws(body => body.Contains("Action=RunInstances", StringComparison.Ordinal)
            ? (status, LoopbackAws.Error(code, message))
            : (HttpStatusCode.OK, "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r-1</requestId><reservationSet/></DescribeInstancesResponse>"));
        await using var provider = AwsSiteProvider.Connect("aws-a", Settings, ec2.Endpoint);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => provider.CreateServerAsync(Worker, CancellationToken.None));

        Assert.Contains(ec2.Requests, r => r.Contains("Action=RunInstances", StringComparison.Ordinal));

        Assert.Equal(reason, ElasticNodes.Reason(failure.Message));
        Assert.False(failure.IsTransient);
        Assert.Equal(ExitCode.ProviderFailure, failure.ExitCode);
    }

    [Fact]
    public void An_instance_ec2_ended_at_launch_for_lack_of_capacity_is_a_failed_server_with_ec2s_reason_not_a_vanished_one()
    {
        var instance = new Instance
        {
            InstanceId = "i-0123456789abcdef0",
            State = new InstanceState { Name = InstanceStateName.Terminated },
            StateReason = new StateReason { Code = "Server.InsufficientInstanceCapacity", Message = "Server.InsufficientInstanceCapacity: Insufficient capacity." },
            Tags = [new Tag("Name", "hpc-aws-cpu-003")],
        };

        var server = AwsSiteProvider.ServerOf(instance);

        Assert.NotNull(server);
        Assert.Equal(ServerStatus.Error, server.Status);
        Assert.Equal("the instance is terminated: Server.InsufficientInstanceCapacity: Insufficient capacity.", server.Fault);
    }

    [Fact]
    public void An_instance_terminated_by_request_is_gone()
    {
        var instance = new Instance
        {
            InstanceId = "i-0123456789abcdef0",
            State = new InstanceState { Name = InstanceStateName.Terminated },
            StateReason = new StateReason { Code = "Client.UserInitiatedShutdown", Message = "Client.UserInitiatedShutdown: User initiated shutdown" },
        };

        Assert.Null(AwsSiteProvider.ServerOf(instance));
    }
}
