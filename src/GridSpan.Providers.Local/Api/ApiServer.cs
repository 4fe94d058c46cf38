using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Provision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GridSpan.Providers.Local.Api;

/// <summary>
/// The local cloud's HTTP API, for a cluster's master (on-demand nodes) and anyone on the public
/// segment: ports and servers can be created, read, listed by cluster and deleted. Every request needs
/// `Authorization: Bearer TOKEN` (the token file is 0600 under the state directory). It listens only
/// on the public segment's first address inside the world namespace, never on the host's interfaces.
///
/// POST /v1/networks, /v1/security-groups, /v1/key-pairs, /v1/ports, /v1/servers, /v1/floating-ips;
/// PUT /v1/ports/{id}/allowed-address-pairs; GET /v1/servers/{id}; GET /v1/resources?cluster=ID;
/// DELETE /v1/resources/{kind}/{id} — the provider interface's operations, one to one.
/// </summary>
public static class ApiServer
{
    // Messages quote names with apostrophes; the API answers JSON, never HTML, so they need no escaping.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The API's JSON settings, shared with its client.</summary>
    public static JsonSerializerOptions JsonOptions => Json;

    public static async Task RunAsync(LocalCloud cloud, CancellationToken cancellationToken)
    {
        var app = Build(cloud, cloud.Options.ApiAddress, cloud.Options.ApiPort);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public static WebApplication Build(LocalCloud cloud, IPAddress address, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port));
        var app = builder.Build();
        var token = Encoding.UTF8.GetBytes(File.ReadAllText(cloud.TokenPath).Trim());
        // A change, once accepted, runs to its end even when the client hangs up (a hook killed by
        // Slurm, a timeout): stopping halfway would leave a stopped container with a live record.
        var untilShutdown = app.Lifetime.ApplicationStopping;
        var clusterTokens = cloud.ClusterTokens;
        // A cluster's token may name only its cluster, and refer only to that cluster's resources;
        // another cluster's resource is reported as missing, as if the token's owner could not see it.
        async Task OwnAsync(HttpContext context, ResourceKind kind, string id)
        {
            if (CallerOf(context).Cluster is { } scope && await cloud.ClusterOfAsync(kind, id, context.RequestAborted).ConfigureAwait(false) is { } owner && owner != scope)
            {
                throw new ApiRefusal(StatusCodes.Status404NotFound, $"there is no {Describe(kind)} '{id}' in the local cloud", null);
            }
        }

        app.Use(async (context, next) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : "";
            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), token))
            {
                context.Items[CallerKey] = new Caller(null);
            }
            else if (presented.Length > 0 && clusterTokens.ClusterOf(presented) is { } cluster)
            {
                context.Items[CallerKey] = new Caller(cluster);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsJsonAsync(new ErrorBody(
                    header.Length == 0 ? "the request has no Authorization header" : "the bearer token is wrong",
                    "send `Authorization: Bearer <token>` with the local cloud's API token"), Json).ConfigureAwait(false);
                return;
            }
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadRequestException bad)
            {
                await Reply(context, StatusCodes.Status400BadRequest, bad.Message, bad.Fix).ConfigureAwait(false);
            }
            catch (ApiRefusal refusal)
            {
                await Reply(context, refusal.Status, refusal.Message, refusal.Fix).ConfigureAwait(false);
            }
            catch (GridSpanException refused)
            {
                var status = refused.Message.Contains("there is no ", StringComparison.Ordinal) ? StatusCodes.Status404NotFound
                    : refused.Message.Contains("quota exceeded", StringComparison.Ordinal) ? StatusCodes.Status403Forbidden
                    : StatusCodes.Status409Conflict;
                const string prefix = "site 'local': ";
                var message = refused.Message.StartsWith(prefix, StringComparison.Ordinal) ? refused.Message[prefix.Length..] : refused.Message;
                await Reply(context, status, message, refused.Fix).ConfigureAwait(false);
            }
        });

        app.MapPost("/v1/networks", async (HttpContext context) =>
        {
            var body = await ReadAsync<CreateNetworkBody>(context).ConfigureAwait(false);
            var network = await cloud.CreateNetworkAsync(Required(body.Name, "name"), Allow(context, Required(body.ClusterId, "clusterId")),
                ParseNetwork(Required(body.Cidr, "cidr"), "cidr"), body.Mtu ?? 1500, untilShutdown).ConfigureAwait(false);
            return Results.Json(new NetworkView(network.Id, network.Name, network.Cidr, network.Mtu), Json, statusCode: StatusCodes.Status201Created);
        });
        app.MapPost("/v1/security-groups", async (HttpContext context) =>
        {
            var body = await ReadAsync<CreateSecurityGroupBody>(context).ConfigureAwait(false);
            var rules = ParseRules(body.Rules);
            var group = await cloud.CreateSecurityGroupAsync(Required(body.Name, "name"), Allow(context, Required(body.ClusterId, "clusterId")), rules,
                untilShutdown).ConfigureAwait(false);
            return Results.Json(new NamedView(group.Id, group.Name), Json, statusCode: StatusCodes.Status201Created);
        });
        app.MapPut("/v1/security-groups/{id}/rules", async (HttpContext context, string id) =>
        {
            await OwnAsync(context, ResourceKind.SecurityGroup, id).ConfigureAwait(false);
            var body = await ReadAsync<SecurityGroupRulesBody>(context).ConfigureAwait(false);
            var group = await cloud.SetSecurityGroupRulesAsync(id, ParseRules(Required(body.Rules, "rules")), untilShutdown).ConfigureAwait(false);
            return Results.Json(new NamedView(group.Id, group.Name), Json);
        });
        app.MapPost("/v1/key-pairs", async (HttpContext context) =>
        {
            var body = await ReadAsync<CreateKeyPairBody>(context).ConfigureAwait(false);
            var pair = await cloud.CreateKeyPairAsync(Required(body.Name, "name"), Allow(context, Required(body.ClusterId, "clusterId")),
                Required(body.PublicKey, "publicKey"), untilShutdown).ConfigureAwait(false);
            return Results.Json(new NamedView(pair.Id, pair.Name), Json, statusCode: StatusCodes.Status201Created);
        });
        app.MapPost("/v1/ports", async (HttpContext context) =>
        {
            var body = await ReadAsync<CreatePortBody>(context).ConfigureAwait(false);
            var name = Required(body.Name, "name");
            var cluster = Allow(context, Required(body.ClusterId, "clusterId"));
            await OwnAsync(context, ResourceKind.Network, Required(body.NetworkId, "networkId")).ConfigureAwait(false);
            foreach (var group in body.SecurityGroupIds ?? [])
            {
                await OwnAsync(context, ResourceKind.SecurityGroup, group).ConfigureAwait(false);
            }
            var port = await cloud.CreatePortAsync(name, cluster, Required(body.NetworkId, "networkId"),
                body.FixedAddress is null ? null : ParseAddress(body.FixedAddress, "fixedAddress"),
                body.SecurityGroupIds ?? [], (body.AllowedAddressPairs ?? []).Select(p => ParseNetwork(p, "allowedAddressPairs")),
                untilShutdown).ConfigureAwait(false);
            return Results.Json(View(port), Json, statusCode: StatusCodes.Status201Created);
        });
        app.MapPut("/v1/ports/{id}/allowed-address-pairs", async (HttpContext context, string id) =>
        {
            await OwnAsync(context, ResourceKind.Port, id).ConfigureAwait(false);
            var body = await ReadAsync<AllowedAddressPairsBody>(context).ConfigureAwait(false);
            var pairs = Required(body.AllowedAddressPairs, "allowedAddressPairs").Select(p => ParseNetwork(p, "allowedAddressPairs"));
            return Results.Json(View(await cloud.SetAllowedAddressPairsAsync(id, pairs, untilShutdown).ConfigureAwait(false)), Json);
        });
        app.MapPost("/v1/servers", async (HttpContext context) =>
        {
            var body = await ReadAsync<CreateServerBody>(context).ConfigureAwait(false);
            var name = Required(body.Name, "name");
            var cluster = Allow(context, Required(body.ClusterId, "clusterId"));
            await OwnAsync(context, ResourceKind.Port, Required(body.PortId, "portId")).ConfigureAwait(false);
            var server = await cloud.CreateServerAsync(name, cluster,
                Required(body.Image, "image"), Required(body.Flavor, "flavor"), Required(body.PortId, "portId"),
                Required(body.KeyPairName, "keyPairName"), body.UserData, body.Metadata ?? [], untilShutdown).ConfigureAwait(false);
            var info = await cloud.DescribeServerAsync(server.Id, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(View(info!), Json, statusCode: StatusCodes.Status201Created);
        });
        // Polled while a server boots (every resume): the cluster is checked on the record already read.
        app.MapGet("/v1/servers/{id}", async (HttpContext context, string id) =>
            await cloud.DescribeServerAsync(id, CallerOf(context).Cluster, context.RequestAborted).ConfigureAwait(false) is { } server
                ? Results.Json(View(server), Json)
                : Results.Json(new ErrorBody($"there is no server '{id}'", null), Json, statusCode: StatusCodes.Status404NotFound));
        app.MapPost("/v1/floating-ips", async (HttpContext context) =>
        {
            var body = await ReadAsync<CreateFloatingIpBody>(context).ConfigureAwait(false);
            var name = Required(body.Name, "name");
            var cluster = Allow(context, Required(body.ClusterId, "clusterId"));
            await OwnAsync(context, ResourceKind.Port, Required(body.PortId, "portId")).ConfigureAwait(false);
            var floating = await cloud.CreateFloatingIpAsync(name, cluster,
                Required(body.PortId, "portId"), untilShutdown).ConfigureAwait(false);
            return Results.Json(new FloatingIpView(floating.Id, floating.Address, floating.PortId), Json, statusCode: StatusCodes.Status201Created);
        });
        app.MapGet("/v1/resources", async (HttpContext context) =>
        {
            var cluster = context.Request.Query["cluster"].ToString();
            if (cluster.Length == 0)
            {
                throw new BadRequestException("the query parameter 'cluster' is missing", "ask for /v1/resources?cluster=<cluster id>");
            }
            var resources = await cloud.ListAsync(Allow(context, cluster), context.RequestAborted).ConfigureAwait(false);
            return Results.Json(resources.Select(r => new ResourceView(r.Kind, r.Id, r.Name, r.ClusterId)).ToList(), Json);
        });
        app.MapDelete("/v1/resources/{kind}/{id}", async (HttpContext context, string kind, string id) =>
        {
            if (!Enum.TryParse<ResourceKind>(kind, ignoreCase: true, out var parsed) || int.TryParse(kind, out _))
            {
                throw new BadRequestException($"'{kind}' is not a kind of resource", $"use one of {string.Join(", ", Enum.GetNames<ResourceKind>())}");
            }
            await OwnAsync(context, parsed, id).ConfigureAwait(false);
            await cloud.DeleteAsync(parsed, id, untilShutdown).ConfigureAwait(false);
            return Results.NoContent();
        });
        return app;
    }

    private static PortView View(PortRecord port) => new(port.Id, port.Name, port.Address, port.Mac, port.AllowedAddressPairs);

    private static ServerView View(ServerInfo server) =>
        new(server.Id, server.Name, server.Status, [.. server.Addresses.Select(a => a.ToString())], [.. server.HostKeys], server.Fault);

    private static Task Reply(HttpContext context, int status, string message, string? fix)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(message, fix), Json);
    }

    private static async Task<T> ReadAsync<T>(HttpContext context) where T : class
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            throw new BadRequestException("the body must be JSON", "send Content-Type: application/json");
        }
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false)
                ?? throw new BadRequestException("the body is empty (null)", "send a JSON object");
        }
        catch (JsonException failure)
        {
            throw new BadRequestException($"the body is not a valid request: {failure.Message}", "send a JSON object with the documented fields");
        }
    }

    private static T Required<T>(T? value, string field) where T : class =>
        value ?? throw new BadRequestException($"the field '{field}' is missing", $"add '{field}' to the JSON body");

    private static IPAddress ParseAddress(string text, string field) =>
        IPAddress.TryParse(text, out var address) ? address : throw new BadRequestException($"'{field}': '{text}' is not an IP address", null);

    private static List<SecurityRule> ParseRules(IEnumerable<RuleBody>? rules) =>
        [.. (rules ?? []).Select(rule => new SecurityRule(
            Enum.TryParse<IpProtocol>(Required(rule.Protocol, "rules.protocol"), ignoreCase: true, out var protocol) && !int.TryParse(rule.Protocol, out _)
                ? protocol
                : throw new BadRequestException($"'rules.protocol': '{rule.Protocol}' is not tcp, udp, icmp or any", null),
            rule.PortMin ?? 0, rule.PortMax ?? rule.PortMin ?? 0, ParseNetwork(rule.Source ?? "0.0.0.0/0", "rules.source")))];

    private static IPNetwork ParseNetwork(string text, string field) =>
        IPNetwork.TryParse(text, out var network) ? network
        : IPAddress.TryParse(text, out var single) ? new IPNetwork(single, 32)
        : throw new BadRequestException($"'{field}': '{text}' is not an address range such as 10.1.0.0/24", null);

    private sealed class BadRequestException(string message, string? fix) : Exception(message)
    {
        public string? Fix { get; } = fix;
    }

    private sealed class ApiRefusal(int status, string message, string? fix) : Exception(message)
    {
        public int Status { get; } = status;

        public string? Fix { get; } = fix;
    }

    private static string Describe(ResourceKind kind) => kind switch
    {
        ResourceKind.FloatingIp => "floating IP",
        ResourceKind.SecurityGroup => "security group",
        ResourceKind.KeyPair => "key pair",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private const string CallerKey = "gridspan.caller";

    /// <summary>Who called: the machine's own token (every cluster) or a cluster's token (that cluster only).</summary>
    private sealed record Caller(string? Cluster);

    private static Caller CallerOf(HttpContext context) => (Caller)context.Items[CallerKey]!;

    /// <summary>The cluster a request names, checked against the caller's token.</summary>
    private static string Allow(HttpContext context, string clusterId)
    {
        if (CallerOf(context).Cluster is { } scope && scope != clusterId)
        {
            throw new ApiRefusal(StatusCodes.Status403Forbidden, $"this token belongs to cluster {scope} and cannot act on cluster {clusterId}",
                "use the token of that cluster's master, or the local cloud's own token on the host");
        }
        return clusterId;
    }
}
