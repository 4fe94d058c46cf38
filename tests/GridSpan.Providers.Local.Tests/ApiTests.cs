using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using GridSpan.Providers.Local.Host;

namespace GridSpan.Providers.Local.Tests;

[Collection(LocalCloudCollection.Name)]
public sealed class ApiTests
{
    [Fact]
    public async Task The_api_rejects_a_request_without_the_token_and_explains_a_bad_body()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-api");
        var site = await sites.NetworkAsync("site", "10.71.0.0/24", 1500);
        var group = await sites.GroupAsync("ssh", Sites.Tcp(22));
        var master = await sites.BootAsync("master", site, group);
        using var http = WorldClient(test);
        var token = (await File.ReadAllTextAsync(test.Cloud.TokenPath)).Trim();
        await WaitForApiAsync(http);

        using var anonymous = await http.PostAsync("v1/ports", Json("{}"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "v1/ports") { Content = Json("{}") };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        using var wrongReply = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongReply.StatusCode);

        using var broken = new HttpRequestMessage(HttpMethod.Post, "v1/servers") { Content = Json("{\"name\": ") };
        broken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var brokenReply = await http.SendAsync(broken);
        Assert.Equal(HttpStatusCode.BadRequest, brokenReply.StatusCode);
        Assert.Contains("the body is not a valid request", await brokenReply.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var incomplete = new HttpRequestMessage(HttpMethod.Post, "v1/servers") { Content = Json("{\"name\": \"w1\"}") };
        incomplete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var incompleteReply = await http.SendAsync(incomplete);
        Assert.Equal(HttpStatusCode.BadRequest, incompleteReply.StatusCode);
        Assert.Contains("the field 'clusterId' is missing", await incompleteReply.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var good = new HttpRequestMessage(HttpMethod.Post, "v1/ports")
        {
            Content = Json($"{{\"name\": \"w1\", \"clusterId\": \"c-api\", \"networkId\": \"{site.Id}\", \"securityGroupIds\": [\"{group.Id}\"]}}"),
        };
        good.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var goodReply = await http.SendAsync(good);
        Assert.Equal(HttpStatusCode.Created, goodReply.StatusCode);
        Assert.Contains(await sites.Provider.ListAsync("c-api", CancellationToken.None), r => r.Name == "w1" && r.Kind == Provision.ResourceKind.Port);

        // A cluster's master reaches the API through its site's router; without the token it is turned away.
        var fromMaster = await sites.RunCheckedAsync(master, $$"""
            python3 -c 'import urllib.request, urllib.error
            try: urllib.request.urlopen("{{test.Cloud.ApiUri}}v1/resources?cluster=c-api", timeout=5)
            except urllib.error.HTTPError as e: print(e.code)'
            """);
        Assert.Equal("401", fromMaster);
    }

    [Fact]
    public async Task The_host_reaches_the_master_by_its_floating_address_and_through_the_api_creates_boots_and_deletes_an_on_demand_server()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-elastic");
        var site = await sites.NetworkAsync("site", "10.73.0.0/24", 1500);
        var group = await sites.GroupAsync("ssh", Sites.Tcp(22));
        var master = await sites.BootAsync("master", site, group);
        var masterPublic = await sites.FloatingAsync(master);
        using var http = WorldClient(test);
        await WaitForApiAsync(http);

        // The host reaches the master's floating address only through `gridspan localcloud connect` (no route, no interface).
        var knownHosts = Path.Combine(test.Directory, "known_hosts");
        var masterInfo = await sites.Provider.GetServerAsync(master.ServerId, CancellationToken.None);
        await File.WriteAllLinesAsync(knownHosts, masterInfo!.HostKeys.Select(k => $"{masterPublic} {k}"));
        var cli = Path.Combine(AppContext.BaseDirectory, "gridspan.dll");
        var ssh = await new Common.ProcessCommandRunner().RunAsync(new Common.CommandRequest("ssh",
        [
            "-i", test.PrivateKey, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHosts}",
            "-o", $"ProxyCommand=dotnet {cli} localcloud connect %h %p", $"root@{masterPublic}", "hostname",
        ])
        {
            Environment = new Dictionary<string, string>
            {
                ["GRIDSPAN_LOCALCLOUD_STATE"] = test.Cloud.Options.StateDirectory,
                ["GRIDSPAN_LOCALCLOUD_PREFIX"] = test.Cloud.Options.Prefix,
            },
        }, CancellationToken.None);
        Assert.True(ssh.Succeeded, ssh.StandardError);
        Assert.Equal("master", ssh.StandardOutput.Trim());

        // What the configurator would put on the master, read back the way the provider on the master reads it.
        var (path, content) = (await sites.Provider.MasterCredentialsAsync("c-elastic", new Dictionary<string, string>(), CancellationToken.None)).Single();
        Assert.Equal(content, (await sites.Provider.MasterCredentialsAsync("c-elastic", new Dictionary<string, string> { [path] = content }, CancellationToken.None))[path]);
        Assert.Equal("/etc/gridspan/local-cloud-api.json", path);
        var credentialsFile = Path.Combine(test.Directory, "local-cloud-api.json");
        await File.WriteAllTextAsync(credentialsFile, content);
        var credentials = Api.LocalApiCredentials.Find(LocalCloudEnvironment.ApiCredentialsFile(
            Common.HostEnvironment.Empty.With(LocalCloudEnvironment.ApiCredentialsVariable, credentialsFile)))!;
        Assert.Equal(test.Cloud.ApiUri, credentials.Url);
        await using var api = new Api.LocalApiSiteProvider(credentials, "site", WorldHandler(test));
        var none = CancellationToken.None;

        var port = await api.CreatePortAsync(new Provision.PortRequest("w1", "c-elastic", site.Id, null, [group.Id], []), none);
        var created = await api.CreateServerAsync(new Provision.ServerRequest("w1", "c-elastic", "debian-12", "tiny", port.Id, "test-key",
            "#cloud-config\nwrite_files:\n  - path: /etc/gridspan-role\n    content: worker\n", System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty), none);
        Provision.ServerInfo? server = created;
        for (var i = 0; i < 300 && server?.Status == Provision.ServerStatus.Building; i++)
        {
            await Task.Delay(100);
            server = await api.GetServerAsync(created.Id, none);
        }

        Assert.Equal(Provision.ServerStatus.Active, server?.Status);
        Assert.Equal([port.Address], server!.Addresses.ToArray());
        Assert.Equal(2, server.HostKeys.Length);
        var node = new Node(created.Id, "w1", port, site);
        Assert.Equal("worker", await sites.RunCheckedAsync(node, "cat /etc/gridspan-role"));
        Assert.Equal("w1", await sites.RunCheckedAsync(node, "hostname"));

        await api.DeleteAsync(new Provision.CloudResource(Provision.ResourceKind.Server, created.Id, "w1", "c-elastic"), none);
        await api.DeleteAsync(new Provision.CloudResource(Provision.ResourceKind.Port, port.Id, "w1", "c-elastic"), none);

        Assert.Null(await api.GetServerAsync(created.Id, none));
        Assert.DoesNotContain(await api.ListAsync("c-elastic", none), r => r.Name == "w1");
        Assert.False(File.Exists(Cloud.Names.NetnsPath(test.Cloud.Names.Node(created.Id))), "the server's namespace is gone");
        var refused = await Assert.ThrowsAsync<Common.GridSpanException>(() =>
            api.CreatePortAsync(new Provision.PortRequest("w2", "c-elastic", "no-such-network", null, [], []), none));
        Assert.Equal("site 'site': the local cloud API refused the request (404): there is no network 'no-such-network' in the local cloud", refused.Message);

        // The master's token acts on its own cluster only: another cluster's resources are neither listed,
        // nor used, nor deleted, and naming another cluster is refused.
        var other = new Sites(test, "c-other");
        var otherSite = await other.NetworkAsync("other", "10.75.0.0/24", 1500);
        var otherPort = await other.Provider.CreatePortAsync(new Provision.PortRequest("o1", "c-other", otherSite.Id, null, [], []), none);
        var foreign = await Assert.ThrowsAsync<Common.GridSpanException>(() => api.ListAsync("c-other", none));
        Assert.Contains("(403): this token belongs to cluster c-elastic and cannot act on cluster c-other", foreign.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Common.GridSpanException>(() =>
            api.CreatePortAsync(new Provision.PortRequest("w3", "c-elastic", otherSite.Id, null, [], []), none));
        var otherGroup = await other.GroupAsync("ssh", Sites.Tcp(22));
        var foreignGroup = await Assert.ThrowsAsync<Common.GridSpanException>(() =>
            api.CreatePortAsync(new Provision.PortRequest("w3", "c-elastic", site.Id, null, [otherGroup.Id], []), none));
        Assert.Contains($"(404): there is no security group '{otherGroup.Id}'", foreignGroup.Message, StringComparison.Ordinal);
        var hidden = await Assert.ThrowsAsync<Common.GridSpanException>(() =>
            api.DeleteAsync(new Provision.CloudResource(Provision.ResourceKind.Port, otherPort.Id, "o1", "c-other"), none));
        Assert.Contains("(404)", hidden.Message, StringComparison.Ordinal);
        Assert.Contains(await other.Provider.ListAsync("c-other", none), r => r.Id == otherPort.Id);

        // Terminate revokes the master's token.
        await sites.Provider.RevokeMasterCredentialsAsync("c-elastic", none);
        var revoked = await Assert.ThrowsAsync<Common.GridSpanException>(() => api.ListAsync("c-elastic", none));
        Assert.Contains("(401)", revoked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_returns_only_when_the_api_server_is_gone_so_a_create_right_after_it_starts_a_new_one()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        for (var round = 0; round < 3; round++)
        {
            // A network brings up the cloud's world, and the API server with it.
            await new Sites(test, $"c-again{round}").NetworkAsync("site", "10.73.0.0/24", 1500);
            var api = (await test.Cloud.Store.ReadAsync(CancellationToken.None)).Api;
            Assert.NotNull(api);
            Assert.True(Host.Processes.IsAlive(api.Pid, api.StartTicks));

            await test.Cloud.DownAsync(CancellationToken.None);

            Assert.NotEqual(api.StartTicks, Host.Processes.StartTicks(api.Pid));
            Assert.False(File.Exists(Path.Combine(test.Cloud.Options.StateDirectory, "api.pid")));
        }
    }

    [Fact]
    public async Task A_create_beyond_the_quota_fails_with_a_clear_error()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-quota");
        var site = await sites.NetworkAsync("site", "10.72.0.0/24", 1500);
        var group = await sites.GroupAsync("ssh", Sites.Tcp(22));
        await test.Cloud.SetQuotaAsync(new Cloud.QuotaRecord(1, null), CancellationToken.None);
        await sites.StartAsync("first", site, group);

        var refused = await Assert.ThrowsAsync<Common.GridSpanException>(() => sites.StartAsync("second", site, group));

        Assert.Contains("quota exceeded", refused.Message, StringComparison.Ordinal);
        Assert.Contains("c-quota already has 1 servers", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delete_finishes_even_when_its_client_hangs_up()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-hangup");
        var site = await sites.NetworkAsync("site", "10.74.0.0/24", 1500);
        var group = await sites.GroupAsync("ssh", Sites.Tcp(22));
        var node = await sites.BootAsync("worker", site, group);
        using var http = WorldClient(test);
        var token = (await File.ReadAllTextAsync(test.Cloud.TokenPath)).Trim();
        await WaitForApiAsync(http);

        var init = Nodes.NodeRuntime.InitPid((await test.Cloud.GetServerAsync(node.ServerId, CancellationToken.None))!.Pid!.Value)!.Value;
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"v1/resources/server/{node.ServerId}");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var hangUp = new CancellationTokenSource();
        var sending = http.SendAsync(delete, hangUp.Token);
        // The client hangs up once the server is known to act on the request (the node's shutdown has
        // stopped its sshd), not after a fixed time a busy machine may not have delivered it in; the rest
        // of stopping a booted container takes seconds more.
        var acted = DateTime.UtcNow.AddSeconds(30);
        while (ListeningPorts.IsListening(init, 22))
        {
            Assert.True(DateTime.UtcNow < acted, "the node's sshd still listens 30 s after the delete was sent");
            await Task.Delay(10);
        }
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await sites.Provider.ListAsync("c-hangup", CancellationToken.None)).Any(r => r.Kind == Provision.ResourceKind.Server))
        {
            Assert.True(DateTime.UtcNow < deadline, "the server the hung-up delete started is still listed after 60 s");
            await Task.Delay(200);
        }
        Assert.Null(await sites.Provider.GetServerAsync(node.ServerId, CancellationToken.None));
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>An HTTP client whose connections start inside the test cloud's world namespace (the host has no route there).</summary>
    private static HttpClient WorldClient(LocalTestCloud test) =>
        new(WorldHandler(test)) { BaseAddress = test.Cloud.ApiUri, Timeout = TimeSpan.FromSeconds(10) };

    private static SocketsHttpHandler WorldHandler(LocalTestCloud test)
    {
        var world = Cloud.Names.NetnsPath(test.Cloud.Names.World);
        return new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = await NetnsSocket.CreateAsync(world, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
    }

    private static async Task WaitForApiAsync(HttpClient http)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var reply = await http.GetAsync("v1/resources");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }
        Assert.Fail("the API server did not answer within 20 s");
    }
}
