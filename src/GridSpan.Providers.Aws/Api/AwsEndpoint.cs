using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using GridSpan.Providers.Aws.Iam;
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

    /// <summary>
    /// On the master, the file that says its AWS credentials are its instance profile's
    /// (<see cref="AwsSiteProvider.MasterCredentialsAsync"/>): there a site's `profile:`, which names a profile of the
    /// machine that ran `create`, is not used, and the SDK's chain ends at the instance's role.
    /// </summary>
    public const string MasterMarker = "/etc/gridspan/aws/master-instance-profile.json";

    /// <summary>The environment's variables, for the endpoint settings GridSpan reads itself (IAM's); none by default.</summary>
    public Func<string, string?> ReadVariable { get; init; } = _ => null;

    /// <summary>Where <see cref="MasterMarker"/> is looked for (tests put it elsewhere).</summary>
    public string MasterMarkerPath { get; init; } = MasterMarker;

    /// <summary>The profile the SDK is told to use: the site's, except on a master that has an instance profile.</summary>
    internal string? ProfileOf(AwsSiteSettings settings) => File.Exists(MasterMarkerPath) ? null : settings.Profile;

    internal IAmazonEC2 Ec2(AwsSiteSettings settings) => Credentials is null ? new AmazonEC2Client(Configure(new AmazonEC2Config(), settings))
        : new AmazonEC2Client(Credentials, Configure(new AmazonEC2Config(), settings));

    internal IAmazonSecurityTokenService Sts(AwsSiteSettings settings) =>
        Credentials is null ? new AmazonSecurityTokenServiceClient(Configure(new AmazonSecurityTokenServiceConfig(), settings))
            : new AmazonSecurityTokenServiceClient(Credentials, Configure(new AmazonSecurityTokenServiceConfig(), settings));

    /// <summary>
    /// IAM, spoken by GridSpan itself: at <see cref="ServiceUrl"/> when given, else where the SDK's standard
    /// settings say (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else
    /// the global endpoint of the region's partition; credentials as the site's EC2 client gets them.
    /// </summary>
    internal IamClient Iam(AwsSiteSettings settings, TimeProvider time, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (globalEndpoint, signingRegion) = IamOf(MasterPolicy.Partition(settings.Region));
        var url = ServiceUrl ?? ConfiguredIamUrl(environment ?? ReadVariable) ?? globalEndpoint;
        var config = Configure(new AmazonEC2Config(), settings);
        return new IamClient(url, signingRegion, async _ =>
        {
            var credentials = Credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(config).ConfigureAwait(false);
            var key = await credentials.GetCredentialsAsync().ConfigureAwait(false);
            return new SigV4.Key(key.AccessKey, key.SecretKey, key.UseToken ? key.Token : null);
        }, time);
    }

    private static readonly string[] IamEndpointVariables = ["AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL"];

    internal static Uri? ConfiguredIamUrl(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return IamEndpointVariables.Select(environment).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } url
            ? new Uri(url)
            : null;
    }

    /// <summary>IAM is global per partition: one endpoint, signed for one region.</summary>
    private static (Uri Url, string SigningRegion) IamOf(string partition) => partition switch
    {
        "aws-cn" => (new Uri("https://iam.cn-north-1.amazonaws.com.cn/"), "cn-north-1"),
        "aws-us-gov" => (new Uri("https://iam.us-gov.amazonaws.com/"), "us-gov-west-1"),
        _ => (new Uri("https://iam.amazonaws.com/"), "us-east-1"),
    };

    private T Configure<T>(T config, AwsSiteSettings settings) where T : ClientConfig
    {
        // Standard mode retries throttling and 5xx with backoff and a retry quota; GridSpan adds no retries of its own.
        config.RetryMode = RequestRetryMode.Standard;
        if (ProfileOf(settings) is { } profile)
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
