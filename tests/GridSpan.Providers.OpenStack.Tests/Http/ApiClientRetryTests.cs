using System.Net;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Http;

namespace GridSpan.Providers.OpenStack.Tests.Http;

public sealed class ApiClientRetryTests
{
    private static readonly RetrySettings Fast = new(4, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10));

    private static ApiClient Client() => new("test-site", new SocketsHttpHandler(), Fast);

    private static ApiRequest Request(ScriptedHttpServer server, HttpMethod method, string what = "do the thing") =>
        new("Nova", method, new Uri(server.Url, "servers"), what) { Body = method == HttpMethod.Get || method == HttpMethod.Delete ? null : new JsonObject { ["x"] = 1 } };

    [Fact]
    public async Task An_idempotent_request_is_retried_after_a_connection_reset()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Reset, ScriptedHttpServer.Respond(200, """{"ok": true}"""));
        using var client = Client();

        var response = await client.SendAsync(Request(server, HttpMethod.Get), CancellationToken.None);

        Assert.True(response!.Body!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task A_post_is_not_repeated_after_a_reset_because_the_cloud_may_have_acted_on_it()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Reset, ScriptedHttpServer.Respond(200, "{}"));
        using var client = Client();

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => client.SendAsync(Request(server, HttpMethod.Post, "create server 'n1'"), CancellationToken.None));

        Assert.Equal(1, server.Requests);
        Assert.Contains("site 'test-site': Nova did not answer while trying to create server 'n1'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_on_a_get_are_retried_until_it_succeeds()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Respond(503), ScriptedHttpServer.Respond(500), ScriptedHttpServer.Respond(200, "{}"));
        using var client = Client();

        var response = await client.SendAsync(Request(server, HttpMethod.Get), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response!.Status);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task A_busy_resource_is_retried_but_an_exhausted_quota_is_not()
    {
        await using var busy = new ScriptedHttpServer(
            ScriptedHttpServer.Respond(409, """{"NeutronError": {"type": "SecurityGroupInUse", "message": "Security Group in use."}}"""),
            ScriptedHttpServer.Respond(204));
        await using var full = new ScriptedHttpServer(
            ScriptedHttpServer.Respond(409, """{"NeutronError": {"type": "OverQuota", "message": "Quota exceeded for resources: ['port'].", "detail": ""}}"""));
        using var client = Client();

        await client.SendAsync(Request(busy, HttpMethod.Delete), CancellationToken.None);
        var failure = await Assert.ThrowsAsync<GridSpanException>(() => client.SendAsync(Request(full, HttpMethod.Put, "update port p1"), CancellationToken.None));

        Assert.Equal(2, busy.Requests);
        Assert.Equal(1, full.Requests);
        Assert.Contains("Nova refused to update port p1: Quota exceeded for resources: ['port']. (HTTP 409 Conflict)", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.Fix);
    }

    [Fact]
    public async Task A_refusal_quotes_the_clouds_fault_and_is_not_retried()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Respond(403,
            """{"forbidden": {"message": "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances", "code": 403}}"""));
        using var client = Client();

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => client.SendAsync(Request(server, HttpMethod.Post, "create server 'n2'"), CancellationToken.None));

        Assert.Equal(1, server.Requests);
        Assert.Equal(ExitCode.ProviderFailure, failure.ExitCode);
        Assert.Equal("site 'test-site': Nova refused to create server 'n2': Quota exceeded for instances: Requested 1, but already used 1 of 1 instances (HTTP 403 Forbidden)", failure.Message);
    }

    [Fact]
    public async Task A_missing_resource_answers_null_when_the_caller_allows_it()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Respond(404, """{"itemNotFound": {"message": "gone"}}"""));
        using var client = Client();

        var response = await client.SendAsync(Request(server, HttpMethod.Delete) with { NotFoundIsNull = true }, CancellationToken.None);

        Assert.Null(response);
    }
}
