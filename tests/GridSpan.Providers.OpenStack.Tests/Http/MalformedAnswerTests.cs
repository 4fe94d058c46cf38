using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Compute;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Networking;

namespace GridSpan.Providers.OpenStack.Tests.Http;

/// <summary>An answer GridSpan cannot read (a field missing, a truncated body, none at all) is an error naming the call, never a crash.</summary>
public sealed class MalformedAnswerTests
{
    private static ApiClient Client() => new("test-site", new SocketsHttpHandler(), new RetrySettings(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(10)));

    [Fact]
    public async Task A_server_without_an_id_in_a_list_names_the_call()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Respond(200, """{"servers": [{"name": "n1", "status": "ACTIVE"}]}"""));
        using var api = Client();

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => new NovaClient(api, server.Url).ListServersAsync("gridspan-c1", CancellationToken.None));

        Assert.Contains("site 'test-site': Nova answered the request to list servers tagged gridspan-c1 with a body GridSpan cannot read", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.Fix);
    }

    [Fact]
    public async Task A_truncated_body_names_the_call()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Respond(200, """{"flavors": [{"id": "1", "na"""));
        using var api = Client();

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => new NovaClient(api, server.Url).ListFlavorsAsync(CancellationToken.None));

        Assert.Contains("Nova answered the request to list flavors with a body GridSpan cannot read (not JSON", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_created_server_answered_without_a_body_names_the_call()
    {
        await using var server = new ScriptedHttpServer(ScriptedHttpServer.Respond(202));
        using var api = Client();
        var request = new NovaServerCreate("n1", "image", "flavor", "port", "key", null, new Dictionary<string, string>(), [], null, null);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => new NovaClient(api, server.Url).CreateServerAsync(request, CancellationToken.None));

        Assert.Contains("Nova answered the request to create server 'n1' with a body GridSpan cannot read (it had no JSON body)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_kind_names_the_call()
    {
        await using var server = new ScriptedHttpServer(
            ScriptedHttpServer.Respond(200, """{"extensions": [{"alias": "tag-creation"}]}"""),
            ScriptedHttpServer.Respond(201, """{"port": {"id": 42, "name": "p1"}}"""));
        using var api = Client();

        var failure = await Assert.ThrowsAsync<GridSpanException>(() =>
            new NeutronClient(api, server.Url).CreateAsync("ports", new JsonObject { ["name"] = "p1" }, "gridspan-c1", CancellationToken.None));

        Assert.Contains("Neutron answered the request to create port 'p1' with a body GridSpan cannot read", failure.Message, StringComparison.Ordinal);
    }
}
