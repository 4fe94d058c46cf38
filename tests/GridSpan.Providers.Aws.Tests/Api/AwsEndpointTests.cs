using GridSpan.Providers.Aws.Api;
using GridSpan.Providers.Aws.Settings;

namespace GridSpan.Providers.Aws.Tests.Api;

public sealed class AwsEndpointTests
{
    private static readonly AwsSiteSettings WithProfile = new("eu-central-1", "research", null, null, null, null, []);

    [Fact]
    public void The_sites_profile_is_used_except_on_a_master_that_has_its_instance_profile()
    {
        var directory = Directory.CreateTempSubdirectory("gridspan-aws-");
        try
        {
            var marker = Path.Combine(directory.FullName, "master-instance-profile.json");
            var endpoint = AwsEndpoint.Standard with { MasterMarkerPath = marker };
            Assert.Equal("research", endpoint.ProfileOf(WithProfile));

            File.WriteAllText(marker, "{}");

            Assert.Null(endpoint.ProfileOf(WithProfile));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5001", "http://127.0.0.1:5000", null, "http://127.0.0.1:5001/")]
    [InlineData(null, "http://127.0.0.1:5000", null, "http://127.0.0.1:5000/")]
    [InlineData("http://127.0.0.1:5001", "http://127.0.0.1:5000", "true", null)]
    [InlineData(null, null, null, null)]
    public void Iam_goes_where_the_sdks_endpoint_variables_say(string? iam, string? all, string? ignore, string? expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_IAM"] = iam,
            ["AWS_ENDPOINT_URL"] = all,
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = ignore,
        };

        Assert.Equal(expected, AwsEndpoint.ConfiguredIamUrl(name => environment.GetValueOrDefault(name))?.ToString());
    }
}
