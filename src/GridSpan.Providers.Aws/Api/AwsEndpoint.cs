using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SecurityToken;
using GridSpan.Providers.Aws.Settings;

namespace GridSpan.Providers.Aws.Api;

/// <summary>
/// Where the SDK's clients for a site go and with what credentials. <see cref="Standard"/> leaves both to
/// the SDK: credentials by its chain (environment, ~/.aws profiles or the site's `profile:`, SSO, container
/// and instance roles) and endpoints by its settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, `endpoint_url`
/// in ~/.aws/config), so the same binary talks to AWS or to an emulator. Tests give both explicitly instead.
/// </summary>
public sealed record AwsEndpoint(Uri? ServiceUrl, AWSCredentials? Credentials)
{
    public static AwsEndpoint Standard { get; } = new(null, null);

    internal IAmazonEC2 Ec2(AwsSiteSettings settings) => Credentials is null ? new AmazonEC2Client(Configure(new AmazonEC2Config(), settings))
        : new AmazonEC2Client(Credentials, Configure(new AmazonEC2Config(), settings));

    internal IAmazonSecurityTokenService Sts(AwsSiteSettings settings) =>
        Credentials is null ? new AmazonSecurityTokenServiceClient(Configure(new AmazonSecurityTokenServiceConfig(), settings))
            : new AmazonSecurityTokenServiceClient(Credentials, Configure(new AmazonSecurityTokenServiceConfig(), settings));

    private T Configure<T>(T config, AwsSiteSettings settings) where T : ClientConfig
    {
        // Standard mode retries throttling and 5xx with backoff and a retry quota; GridSpan adds no retries of its own.
        config.RetryMode = RequestRetryMode.Standard;
        if (settings.Profile is { } profile)
        {
            config.Profile = new Profile(profile);
        }
        if (ServiceUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = settings.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        }
        return config;
    }
}
