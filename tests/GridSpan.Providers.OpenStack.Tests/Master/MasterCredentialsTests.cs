using System.Collections.Immutable;
using System.Text.Json;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Master;
using GridSpan.Providers.OpenStack.Settings;

namespace GridSpan.Providers.OpenStack.Tests.Master;

public sealed class MasterCredentialsTests
{
    private const string ClusterId = "demo-4f2a";
    private const string MasterFile = "/etc/gridspan/openstack/research.yaml";
    private const string CredentialName = "gridspan-demo-4f2a@research";
    private const string Password = "pw-that-must-stay-hidden";

    private static readonly RetrySettings NoRetries = new(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(10));

    private static readonly IReadOnlyDictionary<string, string> Nothing = new Dictionary<string, string>();

    private static CloudConfig Site(string verify = "true") => CloudsFile.Parse("research", "clouds.yaml", $"""
        clouds:
          research:
            auth:
              auth_url: {FakeKeystone.AuthUrl}
              username: alice
              password: {Password}
              project_name: hpc
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionOne
            interface: public
            verify: {verify}
        """, null);

    private static OpenStackSiteProvider Provider(FakeKeystone keystone, IssuedMasterCredentials? issued = null, CloudConfig? cloud = null) =>
        new("site-a", new OpenStackSiteSettings("research", null, null, null, null, ImmutableArray<string>.Empty, null, null, null),
            cloud ?? Site(), keystone, NoRetries, issued ?? new IssuedMasterCredentials());

    [Fact]
    public async Task The_master_gets_a_clouds_yaml_with_a_restricted_application_credential_of_the_project()
    {
        var keystone = new FakeKeystone();
        await using var provider = Provider(keystone);

        var files = await provider.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None);

        var (path, content) = Assert.Single(files);
        Assert.Equal(MasterFile, path);
        var post = Assert.Single(keystone.CredentialRequests, r => r.Method == "POST");
        Assert.Equal($"/v3/users/{FakeKeystone.UserId}/application_credentials", post.Path);
        var request = JsonDocument.Parse(post.Body!).RootElement.GetProperty("application_credential");
        Assert.Equal(CredentialName, request.GetProperty("name").GetString());
        Assert.False(request.GetProperty("unrestricted").GetBoolean());
        Assert.Contains("GridSpan cluster demo-4f2a", request.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("`gridspan terminate` revokes it", request.GetProperty("description").GetString(), StringComparison.Ordinal);
        var id = Assert.Single(keystone.CredentialNamesById).Key;

        var master = CloudsFile.Parse("research", path, content, null);

        Assert.Equal(AuthMethod.ApplicationCredential, master.Method);
        Assert.Equal(id, master.Credentials.ApplicationCredentialId);
        Assert.StartsWith($"secret-1-", master.Credentials.ApplicationCredentialSecret, StringComparison.Ordinal);
        Assert.Equal(new Uri(FakeKeystone.AuthUrl), master.AuthUrl);
        Assert.Equal("RegionOne", master.RegionName);
        Assert.Equal("public", master.Interface);
        Assert.True(master.VerifyTls);
        Assert.DoesNotContain(Password, content, StringComparison.Ordinal);
        Assert.DoesNotContain("username", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_that_still_exists_is_handed_back_byte_for_byte_without_creating_one()
    {
        var keystone = new FakeKeystone();
        IReadOnlyDictionary<string, string> first;
        await using (var provider = Provider(keystone))
        {
            first = await provider.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None);
        }
        keystone.Requests.Clear();
        var issuedBefore = new Dictionary<string, string>(first) { ["/etc/gridspan/local-cloud-api.json"] = "{}" };
        await using var again = Provider(keystone);

        var second = await again.MasterCredentialsAsync(ClusterId, issuedBefore, CancellationToken.None);

        Assert.Equal(first[MasterFile], second[MasterFile]);
        Assert.Single(second);
        Assert.DoesNotContain(keystone.CredentialRequests, r => r.Method is "POST" or "DELETE");
        var get = Assert.Single(keystone.CredentialRequests);
        Assert.Equal($"/v3/users/{FakeKeystone.UserId}/application_credentials/ac1", get.Path);
    }

    [Fact]
    public async Task A_deleted_credential_is_replaced_and_a_stale_one_of_the_same_name_goes_first()
    {
        var keystone = new FakeKeystone();
        IReadOnlyDictionary<string, string> first;
        await using (var provider = Provider(keystone))
        {
            first = await provider.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None);
        }
        keystone.RemoveCredential("ac1");
        keystone.AddCredential("left-over", CredentialName, "old-secret");
        await using var again = Provider(keystone);

        var second = await again.MasterCredentialsAsync(ClusterId, first, CancellationToken.None);

        Assert.NotEqual(first[MasterFile], second[MasterFile]);
        var only = Assert.Single(keystone.CredentialNamesById);
        Assert.Equal(CredentialName, only.Value);
        Assert.Equal(only.Key, CloudsFile.Parse("research", MasterFile, second[MasterFile], null).Credentials.ApplicationCredentialId);
        Assert.Contains(keystone.CredentialRequests, r => r.Method == "DELETE" && r.Path.EndsWith("/application_credentials/left-over", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_not_of_this_provider_at_its_path_is_replaced()
    {
        var keystone = new FakeKeystone();
        await using var provider = Provider(keystone);

        var files = await provider.MasterCredentialsAsync(ClusterId, new Dictionary<string, string> { [MasterFile] = "clouds: [not, a, mapping" }, CancellationToken.None);

        Assert.Equal(AuthMethod.ApplicationCredential, CloudsFile.Parse("research", MasterFile, files[MasterFile], null).Method);
        Assert.Single(keystone.CredentialRequests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Two_sites_of_one_cloud_entry_share_one_credential_and_one_file()
    {
        var keystone = new FakeKeystone();
        var issued = new IssuedMasterCredentials();
        await using var first = Provider(keystone, issued);
        await using var second = Provider(keystone, issued);

        var a = await first.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None);
        var b = await second.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None);

        Assert.Equal(a, b);
        Assert.Single(keystone.CredentialNamesById);
        Assert.Single(keystone.CredentialRequests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Revoking_deletes_the_clusters_credential_and_nothing_else()
    {
        var keystone = new FakeKeystone();
        keystone.AddCredential("mine", CredentialName, "s1");
        keystone.AddCredential("other-cluster", "gridspan-demo-9999@research", "s2");
        keystone.AddCredential("users-own", "laptop", "s3");
        await using var provider = Provider(keystone);

        await provider.RevokeMasterCredentialsAsync(ClusterId, CancellationToken.None);

        Assert.Equal(["other-cluster", "users-own"], keystone.CredentialNamesById.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(keystone.CredentialRequests, r => r.Method == "GET" && r.Path.EndsWith("?name=gridspan-demo-4f2a%40research", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Revoking_what_is_gone_or_goes_meanwhile_is_no_error()
    {
        var keystone = new FakeKeystone();
        await using var provider = Provider(keystone);
        await provider.RevokeMasterCredentialsAsync(ClusterId, CancellationToken.None);
        keystone.AddCredential("mine", CredentialName, "s1");
        keystone.DeletesFindNothing = true;

        await provider.RevokeMasterCredentialsAsync(ClusterId, CancellationToken.None);

        Assert.Single(keystone.CredentialRequests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task A_refusal_to_create_says_why_and_shows_no_secret()
    {
        var keystone = new FakeKeystone { ForbidsCreating = true };
        await using var provider = Provider(keystone);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => provider.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None));

        Assert.Contains("Keystone refused to create application credential 'gridspan-demo-4f2a@research'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("identity:create_application_credential", failure.Message, StringComparison.Ordinal);
        Assert.Contains("application credentials", failure.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_issued_file_logs_in_with_the_application_credential_alone_until_it_is_revoked()
    {
        var keystone = new FakeKeystone();
        await using var workstation = Provider(keystone);
        var files = await workstation.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None);
        var master = CloudsFile.Parse("research", MasterFile, files[MasterFile], null);
        keystone.Requests.Clear();
        await using (var onTheMaster = Provider(keystone, cloud: master))
        {
            var session = await onTheMaster.SessionAsync();
            Assert.Equal(FakeKeystone.ProjectId, session.ProjectId);
        }
        var login = Assert.Single(keystone.Requests);
        var auth = JsonDocument.Parse(login.Body!).RootElement.GetProperty("auth");
        Assert.Equal("/v3/auth/tokens", login.Path);
        Assert.Equal("[\"application_credential\"]", auth.GetProperty("identity").GetProperty("methods").GetRawText());
        Assert.Equal(master.Credentials.ApplicationCredentialId, auth.GetProperty("identity").GetProperty("application_credential").GetProperty("id").GetString());
        Assert.False(auth.TryGetProperty("scope", out _)); // the credential's token comes scoped to its project

        await workstation.RevokeMasterCredentialsAsync(ClusterId, CancellationToken.None);
        await using var revoked = Provider(keystone, cloud: master);
        var failure = await Assert.ThrowsAsync<GridSpanException>(() => revoked.SessionAsync());

        Assert.Contains($"Keystone refused to authenticate as application credential {master.Credentials.ApplicationCredentialId} (secret hidden)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("deleted or revoked", failure.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(master.Credentials.ApplicationCredentialSecret!, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unverified_cloud_stays_unverified_on_the_master()
    {
        var keystone = new FakeKeystone();
        await using var provider = Provider(keystone, cloud: Site(verify: "false"));

        var files = await provider.MasterCredentialsAsync(ClusterId, Nothing, CancellationToken.None);

        Assert.False(CloudsFile.Parse("research", MasterFile, files[MasterFile], null).VerifyTls);
    }
}
