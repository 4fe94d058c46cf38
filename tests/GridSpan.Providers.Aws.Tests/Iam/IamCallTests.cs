using System.Net;
using GridSpan.Common;
using GridSpan.Providers.Aws.Settings;

namespace GridSpan.Providers.Aws.Tests.Iam;

/// <summary>IAM as GridSpan speaks it, against a loopback endpoint that answers in IAM's XML: signing, throttling, refusals.</summary>
public sealed class IamCallTests
{
    private const string Cluster = "hpc-1a2b3c";
    private static readonly AwsSiteSettings Settings = new("eu-central-1", null, null, null, null, null, []);

    private static string IamError(string code, string message) =>
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>" +
        $"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>4a2f4f7c-EXAMPLE</RequestId></ErrorResponse>";

    [Fact]
    public async Task Throttling_is_tried_again_and_every_request_is_signed_for_iam_in_us_east_1()
    {
        var calls = 0;
        await using var iam = new LoopbackAws(_ => Interlocked.Increment(ref calls) <= 2
            ? (HttpStatusCode.BadRequest, IamError("Throttling", "Rate exceeded"))
            : (HttpStatusCode.NotFound, IamError("NoSuchEntity", "The role cannot be found.")));
        await using var provider = AwsSiteProvider.Connect("aws-a", Settings, iam.Endpoint);

        await provider.RevokeMasterCredentialsAsync(Cluster, CancellationToken.None);

        Assert.Equal(["GetInstanceProfile", "GetInstanceProfile", "GetInstanceProfile", "ListRolePolicies"],
            iam.Requests.Select(r => r.Split('&')[0]["Action=".Length..]));
        Assert.All(iam.Requests, r => Assert.Contains("Version=2010-05-08", r, StringComparison.Ordinal));
        Assert.All(iam.Authorizations, a => Assert.Matches(
            "^AWS4-HMAC-SHA256 Credential=testing/[0-9]{8}/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$", a));
    }

    [Fact]
    public async Task A_refusal_is_reported_once_with_the_call_and_iams_code_and_message()
    {
        await using var iam = new LoopbackAws(_ => (HttpStatusCode.Forbidden,
            IamError("AccessDenied", "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: iam:GetInstanceProfile")));
        await using var provider = AwsSiteProvider.Connect("aws-a", Settings, iam.Endpoint);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => provider.RevokeMasterCredentialsAsync(Cluster, CancellationToken.None));

        Assert.Equal($"site 'aws-a': IAM refused to look up the instance profile gridspan-master-{Cluster}: AccessDenied: " +
            "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: iam:GetInstanceProfile", failure.Message);
        Assert.Contains("permission", failure.Fix, StringComparison.Ordinal);
        Assert.False(failure.IsTransient);
        Assert.Single(iam.Requests);
    }
}
