using Amazon.EC2;
using GridSpan.Providers.Aws.Api;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

/// <summary>
/// One AWS site of one cluster: a VPC in a region. Everything it creates carries the tag
/// `gridspan-cluster=&lt;cluster id&gt;` from the call that creates it (TagSpecifications), and `Name`;
/// key pairs are also named `gridspan_&lt;cluster&gt;_&lt;name&gt;`, since their names are unique per region.
/// Creates are idempotent by name within the cluster: re-running after a failure reuses what exists.
/// GridSpan's resource kinds map to EC2 as: network = VPC, subnet = subnet, router = internet gateway
/// and route table, port = network interface (ENI), server = instance, floating IP = Elastic IP.
/// </summary>
public sealed partial class AwsSiteProvider : ISiteProvider
{
    private readonly AwsSiteSettings _settings;
    private readonly IAmazonEC2 _ec2;
    private readonly AwsCall _call;
    private readonly Iam.IamClient _iam;

    private AwsSiteProvider(string site, AwsSiteSettings settings, AwsEndpoint endpoint)
    {
        _settings = settings;
        try
        {
            _ec2 = endpoint.Ec2(settings);
        }
        catch (Amazon.Runtime.AmazonClientException failure)
        {
            // The SDK resolves credentials when it builds the client: without any, that fails here, before a call.
            throw AwsFaults.NotCalled(site, "EC2", "connect", failure);
        }
        _call = new AwsCall(site);
        _iam = endpoint.Iam(settings, TimeProvider.System);
    }

    /// <summary>How long <see cref="DeleteAsync"/> waits for an instance to be terminated.</summary>
    public TimeSpan TerminateTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often waits ask EC2 again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal static AwsSiteProvider Connect(SiteConnection connection, AwsEndpoint endpoint)
    {
        var settings = connection.Site.Settings as AwsSiteSettings
            ?? throw new ArgumentException($"site '{connection.Site.Name}' is not an AWS site", nameof(connection));
        return new AwsSiteProvider(connection.Site.Name, settings, endpoint);
    }

    /// <summary>Connects to a site directly (tests, `check`).</summary>
    public static AwsSiteProvider Connect(string site, AwsSiteSettings settings, AwsEndpoint endpoint) => new(site, settings, endpoint);

    private string Site => _call.Site;

    public ValueTask DisposeAsync()
    {
        _ec2.Dispose();
        _iam.Dispose();
        _typesLock.Dispose();
        return ValueTask.CompletedTask;
    }
}
