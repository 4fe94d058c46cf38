using System.Text.Json.Nodes;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Testing;

namespace GridSpan.Providers.OpenStack.Tests.Live;

/// <summary>Keystone v3 authentication against the harness's real Keystone.</summary>
public sealed class KeystoneAuthTests : IAsyncLifetime
{
    public Task InitializeAsync() => OpenStackHarness.EnsureUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_password_session_finds_every_service_in_the_catalog()
    {
        using var session = await OpenStackSession.OpenAsync("auth", OpenStackHarness.Cloud(OpenStackHarness.TestCloud), null, RetrySettings.Default, CancellationToken.None);

        Assert.Equal(new Uri("http://127.0.0.1:8774/v2.1"), session.Nova.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:9696/v2.0"), session.Neutron.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:9292"), session.Glance.BaseUrl);
        Assert.Matches("^[0-9a-f]{32}$", session.ProjectId);
    }

    [Fact]
    public async Task An_application_credential_authenticates_to_the_same_project()
    {
        var password = OpenStackHarness.Cloud(OpenStackHarness.TestCloud);
        using var session = await OpenStackSession.OpenAsync("auth", password, null, RetrySettings.Default, CancellationToken.None);
        var name = "gridspan-test-" + Guid.NewGuid().ToString("N")[..8];
        using var api = new ApiClient("auth", new SocketsHttpHandler(), RetrySettings.Default);
        var keystone = session.Cloud.AuthUrl.ToString().TrimEnd('/');
        api.TokenSource = async (_, ct) => await TokenAsync(password, ct);
        var created = await api.SendAsync(new ApiRequest("Keystone", HttpMethod.Post, new Uri($"{keystone}/users/{session.UserId}/application_credentials"), "create an application credential")
        {
            Body = new JsonObject { ["application_credential"] = new JsonObject { ["name"] = name } },
        }, CancellationToken.None);
        var credential = created!.Body!.Value.GetProperty("application_credential");
        var id = credential.GetProperty("id").GetString()!;
        try
        {
            var yaml = $$"""
                clouds:
                  app:
                    auth_type: v3applicationcredential
                    auth:
                      auth_url: {{keystone}}
                      application_credential_id: {{id}}
                      application_credential_secret: {{credential.GetProperty("secret").GetString()}}
                    region_name: RegionOne
                """;
            var app = CloudsFile.Parse("app", "clouds.yaml", yaml, null);

            using var appSession = await OpenStackSession.OpenAsync("auth", app, null, RetrySettings.Default, CancellationToken.None);

            Assert.Equal(AuthMethod.ApplicationCredential, app.Method);
            Assert.Equal(session.ProjectId, appSession.ProjectId);
            Assert.NotEmpty(await appSession.Nova.ListFlavorsAsync(CancellationToken.None));
        }
        finally
        {
            await api.SendAsync(new ApiRequest("Keystone", HttpMethod.Delete, new Uri($"{keystone}/users/{session.UserId}/application_credentials/{id}"), "delete it") { NotFoundIsNull = true }, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_region_the_catalog_lacks_is_named_in_the_error()
    {
        var cloud = OpenStackHarness.Cloud(OpenStackHarness.TestCloud);
        var elsewhere = new CloudConfig(cloud.Name, cloud.Source, cloud.AuthUrl, cloud.Method, cloud.Credentials, "Mars", cloud.Interface, true);

        var failure = await Assert.ThrowsAsync<Common.GridSpanException>(() => OpenStackSession.OpenAsync("auth", elsewhere, null, RetrySettings.Default, CancellationToken.None));

        Assert.Contains("no public 'compute' endpoint in region 'Mars'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("public in RegionOne", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<string> TokenAsync(CloudConfig cloud, CancellationToken cancellationToken)
    {
        using var session = await OpenStackSession.OpenAsync("auth", cloud, null, RetrySettings.Default, cancellationToken);
        return await session.TokenForTestsAsync(cancellationToken);
    }
}
