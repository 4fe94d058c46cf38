using GridSpan.Common;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Identity;

namespace GridSpan.Providers.OpenStack.Tests.Clouds;

public sealed class CloudsFileTests
{
    private const string Clouds = """
        clouds:
          research:
            auth:
              auth_url: https://keystone.example.org:5000
              username: alice
              project_name: hpc
              user_domain_name: Default
              project_domain_name: Default
            regions: [Bielefeld, Giessen]
            interface: internal
          appcred:
            auth_type: v3applicationcredential
            auth:
              auth_url: https://keystone.example.org:5000/v3
              application_credential_id: 4f1c
          other:
            auth: { auth_url: https://x.example.org/v3, username: bob, password: hunter2, project_id: p1 }
            region_name: RegionOne
        """;

    private const string Secure = """
        clouds:
          research:
            auth:
              password: s3cret-pw
          appcred:
            auth:
              application_credential_secret: s3cret-app
        """;

    [Fact]
    public void A_password_from_secure_yaml_is_merged_into_its_cloud()
    {
        var cloud = CloudsFile.Parse("research", "clouds.yaml", Clouds, ("secure.yaml", Secure));

        Assert.Equal(AuthMethod.Password, cloud.Method);
        Assert.Equal("alice", cloud.Credentials.Username);
        Assert.Equal("s3cret-pw", cloud.Credentials.Password);
        Assert.Equal("hpc", cloud.Credentials.ProjectName);
        Assert.Equal("clouds.yaml + secure.yaml", cloud.Source);
    }

    [Fact]
    public void The_first_region_of_a_list_and_the_interface_are_taken()
    {
        var cloud = CloudsFile.Parse("research", "clouds.yaml", Clouds, ("secure.yaml", Secure));

        Assert.Equal("Bielefeld", cloud.RegionName);
        Assert.Equal("internal", cloud.Interface);
    }

    [Fact]
    public void An_application_credential_becomes_an_application_credential_token_request()
    {
        var cloud = CloudsFile.Parse("appcred", "clouds.yaml", Clouds, ("secure.yaml", Secure));

        var body = KeystoneSession.AuthBody(cloud).ToJsonString();

        Assert.Equal(AuthMethod.ApplicationCredential, cloud.Method);
        Assert.Contains("\"methods\":[\"application_credential\"]", body, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"4f1c\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("scope", body, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://keystone.example.org:5000/v3/auth/tokens"), KeystoneSession.TokensUrl(cloud.AuthUrl));
    }

    [Fact]
    public void A_password_token_request_is_scoped_to_the_project()
    {
        var cloud = CloudsFile.Parse("other", "clouds.yaml", Clouds, null);

        var body = KeystoneSession.AuthBody(cloud).ToJsonString();

        Assert.Contains("\"scope\":{\"project\":{\"id\":\"p1\"}}", body, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://x.example.org/v3/auth/tokens"), KeystoneSession.TokensUrl(cloud.AuthUrl));
    }

    [Fact]
    public void Secrets_never_appear_in_the_cloud_written_as_text()
    {
        var cloud = CloudsFile.Parse("research", "clouds.yaml", Clouds, ("secure.yaml", Secure));
        var app = CloudsFile.Parse("appcred", "clouds.yaml", Clouds, ("secure.yaml", Secure));

        var text = $"{cloud} {cloud.Credentials} {app} {app.Credentials}";

        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_cloud_is_an_error_that_lists_the_clouds_there_are()
    {
        var failure = Assert.Throws<GridSpanException>(() => CloudsFile.Parse("nope", "clouds.yaml", Clouds, null));

        Assert.Contains("no cloud named 'nope'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("research, appcred, other", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.InvalidConfig, failure.ExitCode);
    }

    [Fact]
    public void A_cloud_without_its_password_says_where_to_put_it()
    {
        var failure = Assert.Throws<GridSpanException>(() => CloudsFile.Parse("research", "clouds.yaml", Clouds, null));

        Assert.Contains("auth.password (in clouds.yaml or secure.yaml)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_yaml_is_reported_with_its_line()
    {
        var failure = Assert.Throws<GridSpanException>(() => CloudsFile.Parse("x", "clouds.yaml", "clouds:\n  x: [unclosed\n", null));

        Assert.Contains("clouds.yaml:", failure.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_are_looked_for_where_the_openstack_client_looks_in_its_order()
    {
        var environment = new Dictionary<string, string> { ["OS_CLIENT_CONFIG_FILE"] = "/opt/my-clouds.yaml" };
        var locator = new CloudsFileLocator(environment.GetValueOrDefault, "/work/dir", "/home/alice");

        var candidates = locator.CloudsCandidates();

        Assert.Equal(
        [
            "/opt/my-clouds.yaml",
            "/work/dir/clouds.yaml", "/work/dir/clouds.yml",
            "/home/alice/.config/openstack/clouds.yaml", "/home/alice/.config/openstack/clouds.yml",
            "/etc/openstack/clouds.yaml", "/etc/openstack/clouds.yml",
        ], candidates);
        Assert.Equal("/work/dir/secure.yaml", locator.SecureCandidates()[0]);
    }

    [Fact]
    public void The_first_file_found_is_loaded_with_the_secure_file_beside_it()
    {
        var directory = Directory.CreateTempSubdirectory("gridspan-clouds-");
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(directory.FullName, "home", ".config", "openstack"));
            File.WriteAllText(Path.Combine(home.FullName, "clouds.yaml"), Clouds);
            File.WriteAllText(Path.Combine(home.FullName, "secure.yaml"), Secure);
            var locator = new CloudsFileLocator(_ => null, Path.Combine(directory.FullName, "empty"), Path.Combine(directory.FullName, "home"));

            var cloud = CloudsFile.Load(locator, "research");

            Assert.Equal("s3cret-pw", cloud.Credentials.Password);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
