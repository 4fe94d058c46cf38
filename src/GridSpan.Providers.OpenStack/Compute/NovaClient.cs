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
        var body = await SendAsync(HttpMethod.Post, "servers", new JsonObject { ["server"] = server }, $"create server '{request.Name}'", cancellationToken).ConfigureAwait(false);
        return body!.Value.GetProperty("server").GetProperty("id").GetString()!;
    }

    public async Task<NovaServer?> GetServerAsync(string id, CancellationToken cancellationToken)
    {
        var body = await GetOrNullAsync($"servers/{Escape(id)}", $"show server {id}", cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }
        var server = ParseServer(body.Value.GetProperty("server"));
        return server.Status == "DELETED" ? null : server;
    }

    /// <summary>Servers with the tag; only those named exactly <paramref name="name"/> when given (Nova filters names by regex).</summary>
    public async Task<ImmutableArray<NovaServer>> ListServersAsync(string tag, CancellationToken cancellationToken, string? name = null)
    {
        var byName = name is null ? "" : "&name=" + Escape("^" + System.Text.RegularExpressions.Regex.Escape(name) + "$");
        var body = await GetAsync($"servers/detail?tags={Escape(tag)}{byName}&limit=1000", $"list servers tagged {tag}", cancellationToken).ConfigureAwait(false);
        return [.. body.GetProperty("servers").EnumerateArray().Select(ParseServer).Where(s => s.Status != "DELETED")];
    }

    public Task<bool> DeleteServerAsync(string id, CancellationToken cancellationToken) =>
        DeleteAsync($"servers/{Escape(id)}", $"delete server {id}", cancellationToken);

    public async Task<ImmutableArray<NovaFlavor>> ListFlavorsAsync(CancellationToken cancellationToken)
    {
        var body = await GetAsync("flavors/detail?limit=1000", "list flavors", cancellationToken).ConfigureAwait(false);
        return [.. body.GetProperty("flavors").EnumerateArray().Select(f => new NovaFlavor(
            f.GetProperty("id").GetString()!,
            f.GetProperty("name").GetString()!,
            f.GetProperty("vcpus").GetInt32(),
            f.GetProperty("ram").GetInt64(),
            f.TryGetProperty("disk", out var disk) ? disk.GetInt32() : 0))];
    }

    public async Task<string> ImportKeyPairAsync(string name, string publicKey, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, "os-keypairs",
            new JsonObject { ["keypair"] = new JsonObject { ["name"] = name, ["public_key"] = publicKey, ["type"] = "ssh" } },
            $"import key pair '{name}'", cancellationToken).ConfigureAwait(false);
        return body!.Value.GetProperty("keypair").GetProperty("name").GetString()!;
    }

    public async Task<(string Name, string PublicKey)?> GetKeyPairAsync(string name, CancellationToken cancellationToken)
    {
        var body = await GetOrNullAsync($"os-keypairs/{Escape(name)}", $"show key pair '{name}'", cancellationToken).ConfigureAwait(false);
        return body is { } b ? (name, Text(b.GetProperty("keypair"), "public_key") ?? "") : null;
    }

    public async Task<ImmutableArray<string>> ListKeyPairNamesAsync(CancellationToken cancellationToken)
    {
        var body = await GetAsync("os-keypairs", "list key pairs", cancellationToken).ConfigureAwait(false);
        return [.. body.GetProperty("keypairs").EnumerateArray().Select(k => k.GetProperty("keypair").GetProperty("name").GetString()!)];
    }

    public Task<bool> DeleteKeyPairAsync(string name, CancellationToken cancellationToken) =>
        DeleteAsync($"os-keypairs/{Escape(name)}", $"delete key pair '{name}'", cancellationToken);

    public async Task<ComputeLimits> LimitsAsync(CancellationToken cancellationToken)
    {
        var body = await GetAsync("limits", "read the project's compute limits", cancellationToken).ConfigureAwait(false);
        var a = body.GetProperty("limits").GetProperty("absolute");
        long Value(string name) => a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : -1;
        return new ComputeLimits(
            Value("maxTotalInstances"), Value("totalInstancesUsed"),
            Value("maxTotalCores"), Value("totalCoresUsed"),
            Value("maxTotalRAMSize"), Value("totalRAMUsed"),
            Value("maxTotalKeypairs"));
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
        return new NovaServer(s.GetProperty("id").GetString()!, Text(s, "name") ?? "", Text(s, "status") ?? "UNKNOWN", addresses.ToImmutable(), fault, tags);
    }
}
