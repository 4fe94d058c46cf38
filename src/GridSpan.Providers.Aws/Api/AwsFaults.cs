using System.Net;
using Amazon.Runtime;
using GridSpan.Common;

namespace GridSpan.Providers.Aws.Api;

/// <summary>
/// What AWS's error codes mean to GridSpan: gone (a delete that has nothing left to do), transient
/// (the SDK's own retries did not outlast it; callers may try again), out of capacity, over a limit,
/// or a refusal of the credentials. Every refusal quotes AWS's message and code.
/// </summary>
internal static class AwsFaults
{
    /// <summary>Capacity AWS lacks right now in the zone (not a limit of the account).</summary>
    private static readonly HashSet<string> CapacityCodes = new(StringComparer.Ordinal)
    {
        "InsufficientInstanceCapacity",
        "InsufficientHostCapacity",
        "InsufficientReservedInstanceCapacity",
        "InsufficientCapacity",
        "InsufficientAddressCapacity",
        "InsufficientFreeAddressesInSubnet",
        "InsufficientVolumeCapacity",
    };

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "RequestLimitExceeded",
        "Throttling",
        "ThrottlingException",
        "RequestThrottled",
        "ServiceUnavailable",
        "Unavailable",
        "InternalError",
        "InternalFailure",
    };

    private static readonly HashSet<string> CredentialCodes = new(StringComparer.Ordinal)
    {
        "AuthFailure",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "RequestExpired",
        "UnrecognizedClientException",
        "OptInRequired",
    };

    /// <summary>True when the error says the resource does not exist (any more): EC2's `….NotFound`, IAM's NoSuchEntity.</summary>
    public static bool IsGone(AmazonServiceException failure) =>
        failure.ErrorCode is { } code && (code.EndsWith(".NotFound", StringComparison.Ordinal) || code is "Gateway.NotAttached" or "NoSuchEntity");

    public static bool IsCapacity(string? code) => code is not null && CapacityCodes.Contains(code);

    /// <summary>A limit of the account (instances, vCPUs, Elastic IPs, VPCs, rules, ...), as opposed to throttling.</summary>
    public static bool IsLimit(string? code) =>
        code is not null && code != "RequestLimitExceeded" && (code.EndsWith("LimitExceeded", StringComparison.Ordinal) || code == "MaxSpotInstanceCountExceeded");

    public static bool IsTransient(AmazonServiceException failure) =>
        failure.ErrorCode is { } code && ThrottlingCodes.Contains(code) || (int)failure.StatusCode >= 500 || failure.StatusCode == HttpStatusCode.TooManyRequests;

    /// <summary>AWS's refusal as GridSpan's error, with what to do about it.</summary>
    public static GridSpanException Refused(string site, string service, string what, AmazonServiceException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var code = failure.ErrorCode ?? $"HTTP {(int)failure.StatusCode}";
        // One line, code first: a node's reason in `sinfo -R` is the message's first line cut to 200 characters.
        var message = string.IsNullOrWhiteSpace(failure.Message) ? "(no message)" : string.Join(' ', failure.Message.Split((char[])[' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        if (IsCapacity(failure.ErrorCode))
        {
            return GridSpanException.Provider(site, $"{service} has no capacity to {what}: {code}: {message}",
                "AWS lacks this instance type in the zone right now: try again later, or choose another instance type or `availabilityZone`", failure);
        }
        var fix = failure.ErrorCode switch
        {
            _ when IsLimit(failure.ErrorCode) => "ask AWS for a higher limit (Service Quotas console) or make the cluster smaller",
            { } c when CredentialCodes.Contains(c) =>
                "check the AWS credentials (environment, ~/.aws/credentials, the site's `profile:`) and that the region is enabled for the account",
            "UnauthorizedOperation" or "AccessDenied" or "AccessDeniedException" =>
                "the credentials lack permission for this call; see docs/aws.md for the permissions GridSpan needs",
            "InvalidAMIID.NotFound" or "InvalidAMIID.Malformed" => "set the image to an AMI of the site's region, or to a name pattern that matches one",
            "InvalidParameterValue" when message.Contains("instance type", StringComparison.OrdinalIgnoreCase) =>
                "set the flavor to an instance type offered in the site's region, e.g. t3.small",
            _ => null,
        };
        var refused = GridSpanException.Provider(site, $"{service} refused to {what}: {code}: {message}", fix, failure);
        return IsTransient(failure) ? refused.AsTransient() : refused;
    }

    /// <summary>The SDK did not get an answer from AWS (network, endpoint, timeout): it may get one later.</summary>
    public static GridSpanException Unanswered(string site, string service, string what, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return GridSpanException.Provider(site, $"{service} did not answer while trying to {what}: {failure.Message}",
            "check that the endpoint is reachable from this machine (AWS_ENDPOINT_URL, proxy, firewall) and try again", failure).AsTransient();
    }

    /// <summary>The SDK could not make the call at all, most often because it found no credentials.</summary>
    public static GridSpanException NotCalled(string site, string service, string what, AmazonClientException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return GridSpanException.Provider(site, $"{service} could not be asked to {what}: {failure.Message}",
            "give AWS credentials by the SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, the site's `profile:`, SSO, an instance profile)",
            failure);
    }
}
