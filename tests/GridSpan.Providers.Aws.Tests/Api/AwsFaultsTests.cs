using System.Net;
using Amazon.EC2;
using Amazon.Runtime;
using GridSpan.Common;
using GridSpan.Providers.Aws.Api;

namespace GridSpan.Providers.Aws.Tests.Api;

public sealed class AwsFaultsTests
{
    private static AmazonEC2Exception Answer(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new(message, ErrorType.Sender, code, "request-1", status);

    [Fact]
    public void A_capacity_shortage_quotes_aws_and_says_to_try_another_type_or_zone_so_a_nodes_reason_can_carry_it()
    {
        var failure = AwsFaults.Refused("region-a", "EC2", "create the instance w-1 (c5.large, ami-1)",
            Answer("InsufficientInstanceCapacity", "We currently do not have sufficient c5.large capacity\nin the Availability Zone you requested (us-east-1a). "));

        Assert.Equal("site 'region-a': EC2 has no capacity to create the instance w-1 (c5.large, ami-1): InsufficientInstanceCapacity: "
            + "We currently do not have sufficient c5.large capacity in the Availability Zone you requested (us-east-1a).", failure.Message);
        Assert.Contains("another instance type", failure.Fix, StringComparison.Ordinal);
        Assert.Equal(ExitCode.ProviderFailure, failure.ExitCode);
        Assert.False(failure.IsTransient);
    }

    [Theory]
    [InlineData("VcpuLimitExceeded")]
    [InlineData("InstanceLimitExceeded")]
    [InlineData("AddressLimitExceeded")]
    [InlineData("VpcLimitExceeded")]
    public void An_exhausted_limit_asks_for_a_higher_quota(string code)
    {
        var failure = AwsFaults.Refused("region-a", "EC2", "allocate an Elastic IP", Answer(code, "The maximum number has been reached."));

        Assert.EndsWith($"allocate an Elastic IP: {code}: The maximum number has been reached.", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Service Quotas", failure.Fix, StringComparison.Ordinal);
        Assert.False(failure.IsTransient);
    }

    [Theory]
    [InlineData("RequestLimitExceeded", HttpStatusCode.ServiceUnavailable)]
    [InlineData("Throttling", HttpStatusCode.BadRequest)]
    [InlineData("InternalError", HttpStatusCode.InternalServerError)]
    [InlineData("Whatever", HttpStatusCode.BadGateway)]
    public void Throttling_and_server_errors_left_after_the_sdks_retries_are_transient(string code, HttpStatusCode status)
    {
        var failure = AwsFaults.Refused("region-a", "EC2", "list the VPCs", Answer(code, "Slow down.", status));

        Assert.True(failure.IsTransient);
        Assert.DoesNotContain("Service Quotas", failure.Fix ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AuthFailure", "credentials")]
    [InlineData("UnauthorizedOperation", "permission")]
    [InlineData("InvalidAMIID.NotFound", "AMI")]
    public void Refusals_of_credentials_permissions_and_images_say_what_to_fix(string code, string fix)
    {
        var failure = AwsFaults.Refused("region-a", "EC2", "create the instance m", Answer(code, "No."));

        Assert.Contains($"EC2 refused to create the instance m: {code}: No.", failure.Message, StringComparison.Ordinal);
        Assert.Contains(fix, failure.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InvalidInstanceID.NotFound", true)]
    [InlineData("InvalidAllocationID.NotFound", true)]
    [InlineData("Gateway.NotAttached", true)]
    [InlineData("NoSuchEntity", true)]
    [InlineData("DependencyViolation", false)]
    public void Gone_means_a_not_found_code(string code, bool gone)
    {
        Assert.Equal(gone, AwsFaults.IsGone(Answer(code, "x")));
    }
}
