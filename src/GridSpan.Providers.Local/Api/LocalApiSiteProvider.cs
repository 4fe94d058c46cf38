using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpan.Common;
using GridSpan.Provision;
using GridSpan.Plan;

namespace GridSpan.Providers.Local.Api;

/// <summary>Where a cluster node finds the local cloud's API: its URL and bearer token (a secret, file mode 0600).</summary>
public sealed record LocalApiCredentials(Uri Url, string Token)
{
    /// <summary>Where the configurator puts the credentials on a cluster's master (like clouds.yaml for OpenStack).</summary>
    public const string DefaultPath = "/etc/gridspan/local-cloud-api.json";

    /// <summary>The credentials in <paramref name="path"/>; null when there is no such file (this is not a cluster node).</summary>
    /// <param name="path">Usually <see cref="DefaultPath"/> (see <see cref="LocalCloudEnvironment.ApiCredentialsFile"/>).</param>
    public static LocalApiCredentials? Find(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<LocalApiCredentials>(File.ReadAllText(path), ApiServer.JsonOptions)
                ?? throw GridSpanException.Failed($"{path} is empty");
        }
        catch (JsonException failure)
        {
            throw GridSpanException.Failed($"the local cloud API credentials in {path} are not valid JSON: {failure.Message}",
                "write {\"url\": \"http://198.18.0.1:8774/\", \"token\": \"...\"}");
        }
    }
}

/// <summary>
/// The local cloud through its HTTP API: what a cluster's master uses (it cannot touch the host's
/// state). The same operations and answers as <see cref="LocalSiteProvider"/>.
/// </summary>
public sealed class LocalApiSiteProvider : ISiteProvider
{
    private readonly HttpClient _http;
    private readonly string _site;

    /// <param name="handler">How to connect (tests enter the world namespace); null for plain sockets.</param>
    public LocalApiSiteProvider(LocalApiCredentials credentials, string siteName, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        _http.Timeout = TimeSpan.FromSeconds(60);
        _http.BaseAddress = credentials.Url;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credentials.Token);
        _site = siteName;
    }

    public async Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken)
    {
        var view = await SendAsync<NetworkView>(HttpMethod.Post, "v1/networks",
            new CreateNetworkBody(request.Name, request.ClusterId, request.Cidr.ToString(), request.Mtu), cancellationToken).ConfigureAwait(false);
        return new NetworkInfo(view.Id, view.Name, view.Id, IPNetwork.Parse(view.Cidr), view.Mtu, view.Id);
    }

    public async Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken)
    {
        var rules = request.Rules.Select(Rule).ToList();
        var view = await SendAsync<NamedView>(HttpMethod.Post, "v1/security-groups",
            new CreateSecurityGroupBody(request.Name, request.ClusterId, rules), cancellationToken).ConfigureAwait(false);
        return new SecurityGroupInfo(view.Id, view.Name);
    }

    public async Task SetSecurityGroupRulesAsync(string groupId, ImmutableArray<SecurityRule> rules, CancellationToken cancellationToken) =>
        await SendAsync<NamedView>(HttpMethod.Put, $"v1/security-groups/{Uri.EscapeDataString(groupId)}/rules",
            new SecurityGroupRulesBody([.. rules.Select(Rule)]), cancellationToken).ConfigureAwait(false);

    private static RuleBody Rule(SecurityRule rule) => new(rule.Protocol.ToString().ToLowerInvariant(), rule.PortMin, rule.PortMax, rule.Source.ToString());

    public async Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken)
    {
        var view = await SendAsync<NamedView>(HttpMethod.Post, "v1/key-pairs",
            new CreateKeyPairBody(request.Name, request.ClusterId, request.PublicKey), cancellationToken).ConfigureAwait(false);
        return new KeyPairInfo(view.Id, view.Name);
    }

    public async Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken) =>
        ToInfo(await SendAsync<PortView>(HttpMethod.Post, "v1/ports", new CreatePortBody(request.Name, request.ClusterId, request.NetworkId,
            request.FixedAddress?.ToString(), [.. request.SecurityGroupIds], [.. request.AllowedAddressPairs.Select(a => a.ToString())]),
            cancellationToken).ConfigureAwait(false));

    public async Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken) =>
        ToInfo(await SendAsync<PortView>(HttpMethod.Put, $"v1/ports/{Uri.EscapeDataString(portId)}/allowed-address-pairs",
            new AllowedAddressPairsBody([.. allowed.Select(a => a.ToString())]), cancellationToken).ConfigureAwait(false));

    public async Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken) =>
        ToInfo(await SendAsync<ServerView>(HttpMethod.Post, "v1/servers", new CreateServerBody(request.Name, request.ClusterId, request.Image,
            request.Flavor, request.PortId, request.KeyPairName, request.UserData, request.Metadata.ToDictionary()), cancellationToken).ConfigureAwait(false));

    public async Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken)
    {
        using var reply = await _http.GetAsync(new Uri($"v1/servers/{Uri.EscapeDataString(serverId)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (reply.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        return ToInfo(await ReadAsync<ServerView>(reply, cancellationToken).ConfigureAwait(false));
    }

    public async Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken)
    {
        var view = await SendAsync<FloatingIpView>(HttpMethod.Post, "v1/floating-ips",
            new CreateFloatingIpBody(request.Name, request.ClusterId, request.PortId), cancellationToken).ConfigureAwait(false);
        return new FloatingIpInfo(view.Id, IPAddress.Parse(view.Address), view.PortId);
    }

    public async Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        using var reply = await _http.GetAsync(new Uri($"v1/resources?cluster={Uri.EscapeDataString(clusterId)}", UriKind.Relative), cancellationToken)
            .ConfigureAwait(false);
        var views = await ReadAsync<List<ResourceView>>(reply, cancellationToken).ConfigureAwait(false);
        return [.. views.Select(v => new CloudResource(v.Kind, v.Id, v.Name, v.ClusterId))];
    }

    public async Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken)
    {
        var kind = JsonNamingPolicy.CamelCase.ConvertName(resource.Kind.ToString());
        using var reply = await _http.DeleteAsync(new Uri($"v1/resources/{kind}/{Uri.EscapeDataString(resource.Id)}", UriKind.Relative), cancellationToken)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static PortInfo ToInfo(PortView port) =>
        new(port.Id, port.Name, IPAddress.Parse(port.Address), port.MacAddress, [.. port.AllowedAddressPairs.Select(IPNetwork.Parse)]);

    private static ServerInfo ToInfo(ServerView server) =>
        new(server.Id, server.Name, server.Status, [.. server.Addresses.Select(IPAddress.Parse)], [.. server.HostKeys], server.Fault);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = JsonContent.Create(body, body.GetType(), options: ApiServer.JsonOptions),
        };
        using var reply = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(reply, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException failure)
        {
            throw GridSpanException.Provider(_site, $"the local cloud API at {_http.BaseAddress} cannot be reached: {failure.Message}",
                "check that the local cloud runs on the host (gridspan localcloud status)", failure);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage reply, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(reply, cancellationToken).ConfigureAwait(false);
        return await reply.Content.ReadFromJsonAsync<T>(ApiServer.JsonOptions, cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(_site, "the local cloud API answered with an empty body");
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage reply, CancellationToken cancellationToken)
    {
        if (reply.IsSuccessStatusCode)
        {
            return;
        }
        ErrorBody? error = null;
        try
        {
            error = await reply.Content.ReadFromJsonAsync<ErrorBody>(ApiServer.JsonOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
        }
        throw GridSpanException.Provider(_site,
            $"the local cloud API refused the request ({(int)reply.StatusCode}): {error?.Error ?? reply.ReasonPhrase}", error?.Fix);
    }
}
