using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpan.Providers.OpenStack.Http;

namespace GridSpan.Providers.OpenStack.Compute;

/// <summary>A Nova flavor.</summary>
public sealed record NovaFlavor(string Id, string Name, int Cpus, long MemoryMiB, int DiskGiB);

/// <summary>A Nova server as GridSpan sees it.</summary>
public sealed record NovaServer(string Id, string Name, string Status, ImmutableArray<IPAddress> Addresses, string? Fault, ImmutableArray<string> Tags);

/// <summary>The project's compute limits and usage from /limits.</summary>
public sealed record ComputeLimits(long Instances, long InstancesUsed, long Cores, long CoresUsed, long RamMiB, long RamUsedMiB, long KeyPairs);

/// <summary>What to boot.</summary>
internal sealed record NovaServerCreate(
    string Name,
    string ImageId,
    string FlavorId,
    string PortId,
    string KeyName,
    string? UserData,
    IReadOnlyDictionary<string, string> Metadata,
    ImmutableArray<string> Tags,
    string? AvailabilityZone,
    int? BootVolumeGiB);

/// <summary>
/// Nova (compute) at microversion <see cref="Microversion"/>: 2.52 is the first that accepts tags
/// when a server is created (so a server is never untagged, even for a moment), and is offered by
/// every Nova since Pike (2017).
/// </summary>
internal sealed class NovaClient(ApiClient api, Uri baseUrl) : ServiceClient(api, "Nova", baseUrl, Headers)
{
    public const string Microversion = "2.52";

    private static readonly Dictionary<string, string> Headers = new()
    {
        ["OpenStack-API-Version"] = "compute " + Microversion,
        ["X-OpenStack-Nova-API-Version"] = Microversion,
    };

    public async Task<string> CreateServerAsync(NovaServerCreate request, CancellationToken cancellationToken)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in request.Metadata)
        {
            metadata[key] = value;
        }
        var server = new JsonObject
        {
            ["name"] = request.Name,
            ["flavorRef"] = request.FlavorId,
            ["networks"] = new JsonArray(new JsonObject { ["port"] = request.PortId }),
            ["key_name"] = request.KeyName,
            ["metadata"] = metadata,
            ["tags"] = new JsonArray([.. request.Tags.Select(t => (JsonNode)JsonValue.Create(t))]),
        };
        if (request.BootVolumeGiB is { } size)
        {
            server["block_device_mapping_v2"] = new JsonArray(new JsonObject
            {
                ["boot_index"] = 0,
                ["uuid"] = request.ImageId,
                ["source_type"] = "image",
                ["destination_type"] = "volume",
                ["volume_size"] = size,
                ["delete_on_termination"] = true,
            });
        }
        else
        {
            server["imageRef"] = request.ImageId;
        }
        if (request.UserData is not null)
        {
            server["user_data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(request.UserData));
        }
        if (request.AvailabilityZone is not null)
        {
            server["availability_zone"] = request.AvailabilityZone;
        }
        var what = $"create server '{request.Name}'";
        var body = await SendAsync(HttpMethod.Post, "servers", new JsonObject { ["server"] = server }, what, cancellationToken).ConfigureAwait(false);
        return Read(what, body, b => RequiredText(b.GetProperty("server"), "id"));
    }

    public async Task<NovaServer?> GetServerAsync(string id, CancellationToken cancellationToken)
    {
        var what = $"show server {id}";
        var body = await GetOrNullAsync($"servers/{Escape(id)}", what, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }
        var server = Read(what, body, b => ParseServer(b.GetProperty("server")));
        return server.Status == "DELETED" ? null : server;
    }

    /// <summary>Servers with the tag; only those named exactly <paramref name="name"/> when given (Nova filters names by regex).</summary>
    public async Task<ImmutableArray<NovaServer>> ListServersAsync(string tag, CancellationToken cancellationToken, string? name = null)
    {
        var byName = name is null ? "" : "&name=" + Escape("^" + System.Text.RegularExpressions.Regex.Escape(name) + "$");
        return await GetAsync($"servers/detail?tags={Escape(tag)}{byName}&limit=1000", $"list servers tagged {tag}",
            body => body.GetProperty("servers").EnumerateArray().Select(ParseServer).Where(s => s.Status != "DELETED").ToImmutableArray(),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteServerAsync(string id, CancellationToken cancellationToken) =>
        DeleteAsync($"servers/{Escape(id)}", $"delete server {id}", cancellationToken);

    public async Task<ImmutableArray<NovaFlavor>> ListFlavorsAsync(CancellationToken cancellationToken)
    {
        return await GetAsync("flavors/detail?limit=1000", "list flavors", body => body.GetProperty("flavors").EnumerateArray().Select(f => new NovaFlavor(
            RequiredText(f, "id"),
            RequiredText(f, "name"),
            f.GetProperty("vcpus").GetInt32(),
            f.GetProperty("ram").GetInt64(),
            f.TryGetProperty("disk", out var disk) ? disk.GetInt32() : 0)).ToImmutableArray(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ImportKeyPairAsync(string name, string publicKey, CancellationToken cancellationToken)
    {
        var what = $"import key pair '{name}'";
        var body = await SendAsync(HttpMethod.Post, "os-keypairs",
            new JsonObject { ["keypair"] = new JsonObject { ["name"] = name, ["public_key"] = publicKey, ["type"] = "ssh" } },
            what, cancellationToken).ConfigureAwait(false);
        return Read(what, body, b => RequiredText(b.GetProperty("keypair"), "name"));
    }

    public async Task<(string Name, string PublicKey)?> GetKeyPairAsync(string name, CancellationToken cancellationToken)
    {
        var what = $"show key pair '{name}'";
        var body = await GetOrNullAsync($"os-keypairs/{Escape(name)}", what, cancellationToken).ConfigureAwait(false);
        return body is null ? null : (name, Read(what, body, b => Text(b.GetProperty("keypair"), "public_key") ?? ""));
    }

    public async Task<ImmutableArray<string>> ListKeyPairNamesAsync(CancellationToken cancellationToken)
    {
        return await GetAsync("os-keypairs", "list key pairs",
            body => body.GetProperty("keypairs").EnumerateArray().Select(k => RequiredText(k.GetProperty("keypair"), "name")).ToImmutableArray(),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteKeyPairAsync(string name, CancellationToken cancellationToken) =>
        DeleteAsync($"os-keypairs/{Escape(name)}", $"delete key pair '{name}'", cancellationToken);

    public async Task<ComputeLimits> LimitsAsync(CancellationToken cancellationToken)
    {
        return await GetAsync("limits", "read the project's compute limits", body =>
        {
            var a = body.GetProperty("limits").GetProperty("absolute");
            long Value(string name) => a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : -1;
            return new ComputeLimits(
                Value("maxTotalInstances"), Value("totalInstancesUsed"),
                Value("maxTotalCores"), Value("totalCoresUsed"),
                Value("maxTotalRAMSize"), Value("totalRAMUsed"),
                Value("maxTotalKeypairs"));
        }, cancellationToken).ConfigureAwait(false);
    }

    private static NovaServer ParseServer(JsonElement s)
    {
        var addresses = ImmutableArray.CreateBuilder<IPAddress>();
        if (s.TryGetProperty("addresses", out var networks) && networks.ValueKind == JsonValueKind.Object)
        {
            foreach (var network in networks.EnumerateObject())
            {
                foreach (var address in network.Value.EnumerateArray())
                {
                    if (IPAddress.TryParse(Text(address, "addr"), out var ip))
                    {
                        addresses.Add(ip);
                    }
                }
            }
        }
        string? fault = null;
        if (s.TryGetProperty("fault", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            fault = Text(f, "message");
        }
        var tags = s.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(x => x.GetString() ?? "").ToImmutableArray()
            : [];
        return new NovaServer(RequiredText(s, "id"), Text(s, "name") ?? "", Text(s, "status") ?? "UNKNOWN", addresses.ToImmutable(), fault, tags);
    }
}
