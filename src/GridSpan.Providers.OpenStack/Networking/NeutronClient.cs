using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpan.Providers.OpenStack.Http;

namespace GridSpan.Providers.OpenStack.Networking;

/// <summary>One Neutron resource as returned by the API.</summary>
internal sealed record NeutronResource(string Id, string Name, JsonElement Json)
{
    public string? Text(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public ImmutableArray<string> Tags =>
        Json.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? [.. tags.EnumerateArray().Select(t => t.GetString() ?? "")]
            : [];
}

/// <summary>A Neutron quota: its limit (-1 is unlimited) and what is used.</summary>
public sealed record NetworkQuota(string Resource, long Limit, long Used);

/// <summary>
/// Neutron (networking) v2.0. Resources are named by their collection (networks, subnets, routers,
/// ports, security-groups, floatingips). Tags are added on create when the cloud has the
/// tag-creation extension, otherwise right after create with PUT .../tags/{tag}.
/// </summary>
internal sealed class NeutronClient(ApiClient api, Uri baseUrl) : ServiceClient(api, "Neutron", Versioned(baseUrl))
{
    private bool? _tagOnCreate;

    private static Uri Versioned(Uri baseUrl)
    {
        var text = baseUrl.ToString().TrimEnd('/');
        return new Uri(text.EndsWith("/v2.0", StringComparison.Ordinal) ? text : text + "/v2.0");
    }

    /// <summary>The singular of a collection, as Neutron's bodies use it.</summary>
    public static string Singular(string collection) => collection switch
    {
        "security-groups" => "security_group",
        "security-group-rules" => "security_group_rule",
        "policies" => "policy",
        _ => collection.TrimEnd('s'),
    };

    private static string Label(string collection) => Singular(collection).Replace('_', ' ');

    public async Task<ImmutableHashSet<string>> ExtensionsAsync(CancellationToken cancellationToken)
    {
        return await GetAsync("extensions", "list extensions",
            body => body.GetProperty("extensions").EnumerateArray().Select(e => e.GetProperty("alias").GetString() ?? "").ToImmutableHashSet(),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a resource and tags it.</summary>
    public async Task<NeutronResource> CreateAsync(string collection, JsonObject fields, string? tag, CancellationToken cancellationToken)
    {
        var singular = Singular(collection);
        var name = fields["name"]?.GetValue<string>() ?? "";
        _tagOnCreate ??= (await ExtensionsAsync(cancellationToken).ConfigureAwait(false)).Contains("tag-creation");
        if (tag is not null && _tagOnCreate == true)
        {
            fields["tags"] = new JsonArray(tag);
        }
        var what = $"create {Label(collection)} '{name}'";
        var body = await SendAsync(HttpMethod.Post, collection, new JsonObject { [singular] = fields }, what, cancellationToken).ConfigureAwait(false);
        var created = Read(what, body, b => Parse(b.GetProperty(singular)));
        if (tag is not null && _tagOnCreate != true)
        {
            await SendAsync(HttpMethod.Put, $"{collection}/{created.Id}/tags/{Escape(tag)}", null,
                $"tag {Label(collection)} '{name}'", cancellationToken).ConfigureAwait(false);
        }
        return created;
    }

    public async Task<NeutronResource> UpdateAsync(string collection, string id, JsonObject fields, CancellationToken cancellationToken)
    {
        var singular = Singular(collection);
        var what = $"update {Label(collection)} {id}";
        var body = await SendAsync(HttpMethod.Put, $"{collection}/{Escape(id)}", new JsonObject { [singular] = fields }, what, cancellationToken).ConfigureAwait(false);
        return Read(what, body, b => Parse(b.GetProperty(singular)));
    }

    public async Task<NeutronResource?> ShowAsync(string collection, string id, CancellationToken cancellationToken)
    {
        var what = $"show {Label(collection)} {id}";
        var body = await GetOrNullAsync($"{collection}/{Escape(id)}", what, cancellationToken).ConfigureAwait(false);
        return body is null ? null : Read(what, body, b => Parse(b.GetProperty(Singular(collection))));
    }

    /// <summary>Lists a collection filtered by query fields (each value escaped).</summary>
    public async Task<ImmutableArray<NeutronResource>> ListAsync(string collection, IReadOnlyDictionary<string, string> filters, CancellationToken cancellationToken)
    {
        var query = string.Join("&", filters.Select(f => $"{Escape(f.Key)}={Escape(f.Value)}"));
        return await GetAsync(collection + (query.Length > 0 ? "?" + query : ""), $"list {collection}",
            body => body.GetProperty(collection.Replace('-', '_')).EnumerateArray().Select(Parse).ToImmutableArray(), cancellationToken).ConfigureAwait(false);
    }

    public Task<ImmutableArray<NeutronResource>> ListTaggedAsync(string collection, string tag, CancellationToken cancellationToken) =>
        ListAsync(collection, new Dictionary<string, string> { ["tags"] = tag }, cancellationToken);

    /// <summary>Finds exactly one resource by id or by name; null when there is none; an error when a name is ambiguous.</summary>
    public async Task<NeutronResource?> FindAsync(string collection, string nameOrId, IReadOnlyDictionary<string, string>? filters, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, string>(filters ?? new Dictionary<string, string>()) { ["id"] = nameOrId };
        var found = await ListAsync(collection, byId, cancellationToken).ConfigureAwait(false);
        if (found.Length == 1)
        {
            return found[0];
        }
        var byName = new Dictionary<string, string>(filters ?? new Dictionary<string, string>()) { ["name"] = nameOrId };
        found = await ListAsync(collection, byName, cancellationToken).ConfigureAwait(false);
        if (found.Length > 1)
        {
            throw Common.GridSpanException.Provider(Api.Site,
                $"{found.Length} {collection} are named '{nameOrId}' ({string.Join(", ", found.Select(f => f.Id))})",
                "name it by id instead");
        }
        return found.Length == 1 ? found[0] : null;
    }

    public Task<bool> DeleteResourceAsync(string collection, string id, CancellationToken cancellationToken) =>
        DeleteAsync($"{collection}/{Escape(id)}", $"delete {Label(collection)} {id}", cancellationToken);

    public async Task CreateSecurityGroupRulesAsync(IEnumerable<JsonObject> rules, CancellationToken cancellationToken)
    {
        var list = new JsonArray([.. rules]);
        if (list.Count == 0)
        {
            return;
        }
        await SendAsync(HttpMethod.Post, "security-group-rules", new JsonObject { ["security_group_rules"] = list },
            $"create {list.Count} security group rules", cancellationToken).ConfigureAwait(false);
    }

    public Task AddRouterInterfaceAsync(string routerId, string subnetId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"routers/{Escape(routerId)}/add_router_interface", new JsonObject { ["subnet_id"] = subnetId },
            $"attach subnet {subnetId} to router {routerId}", cancellationToken);

    /// <summary>Detaches a router's interface; one that is already gone is not an error.</summary>
    public async Task RemoveRouterInterfaceAsync(string routerId, string portId, CancellationToken cancellationToken)
    {
        await Api.SendAsync(new ApiRequest(Service, HttpMethod.Put, Url($"routers/{Escape(routerId)}/remove_router_interface"),
            $"detach port {portId} from router {routerId}")
        {
            Body = new JsonObject { ["port_id"] = portId },
            NotFoundIsNull = true,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The project's network quotas with usage, from /quotas/{project}/details.</summary>
    public async Task<ImmutableArray<NetworkQuota>> QuotaDetailsAsync(string projectId, CancellationToken cancellationToken)
    {
        return await GetAsync($"quotas/{Escape(projectId)}/details.json", "read the project's network quotas",
            body => body.GetProperty("quota").EnumerateObject().Where(q => q.Value.ValueKind == JsonValueKind.Object).Select(q => new NetworkQuota(
                q.Name,
                q.Value.GetProperty("limit").GetInt64(),
                q.Value.TryGetProperty("used", out var used) ? used.GetInt64() : 0)).ToImmutableArray(), cancellationToken).ConfigureAwait(false);
    }

    private static NeutronResource Parse(JsonElement element) =>
        new(RequiredText(element, "id"), element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "", element.Clone());
}
