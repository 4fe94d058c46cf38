using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;

namespace GridSpan.Core.Tests.Provision;

/// <summary>
/// An in-memory cloud: records every request, lists by tag, refuses deleting what others still use
/// (a port of a server, a network with ports), and can be told to fail a server or refuse making one.
/// </summary>
internal sealed class FakeSiteProvider : ISiteProvider
{
    private int _next;

    public ConcurrentDictionary<string, (CloudResource Resource, object Request)> Resources { get; } = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>What terminate asked of the site once its resources were gone: "revoke &lt;cluster&gt;", "release &lt;cluster&gt;".</summary>
    public ConcurrentQueue<string> Endings { get; } = new();

    public Task RevokeMasterCredentialsAsync(string clusterId, CancellationToken cancellationToken)
    {
        Endings.Enqueue($"revoke {clusterId} ({Resources.Values.Count(r => r.Resource.ClusterId == clusterId)} left)");
        return Task.CompletedTask;
    }

    public Task ReleaseSiteAsync(string clusterId, CancellationToken cancellationToken)
    {
        Endings.Enqueue($"release {clusterId} ({Resources.Values.Count(r => r.Resource.ClusterId == clusterId)} left)");
        return Task.CompletedTask;
    }

    /// <summary>Servers created with this name fail (as a cloud whose image is missing); servers made before it was set do not.</summary>
    public string? FailingServer { get; set; }

    /// <summary>Creating a server is refused (as a cloud whose quota is used up).</summary>
    public bool RefuseServers { get; set; }

    private readonly ConcurrentDictionary<string, bool> _failed = new();

    /// <summary>Polls a server stays building before it is active.</summary>
    public int BuildingPolls { get; set; } = 1;

    private readonly ConcurrentDictionary<string, int> _polls = new();

    private string Add(ResourceKind kind, string name, string clusterId, object request)
    {
        var id = $"{kind.ToString().ToLowerInvariant()}-{Interlocked.Increment(ref _next)}";
        Resources[id] = (new CloudResource(kind, id, name, clusterId), request);
        Calls.Enqueue($"create {kind} {name}");
        return id;
    }

    public T RequestOf<T>(ResourceKind kind, string name) =>
        (T)Resources.Values.Single(r => r.Resource.Kind == kind && r.Resource.Name == name).Request;

    public Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new NetworkInfo(Add(ResourceKind.Network, request.Name, request.ClusterId, request), request.Name, "subnet", request.Cidr, request.Mtu, null));

    public Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new SecurityGroupInfo(Add(ResourceKind.SecurityGroup, request.Name, request.ClusterId, request), request.Name));

    public Task SetSecurityGroupRulesAsync(string groupId, ImmutableArray<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var (resource, request) = Resources[groupId];
        Resources[groupId] = (resource, ((SecurityGroupRequest)request) with { Rules = rules });
        Calls.Enqueue($"set rules {resource.Name}");
        return Task.CompletedTask;
    }

    public Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new KeyPairInfo(Add(ResourceKind.KeyPair, request.Name, request.ClusterId, request), request.Name));

    public Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new PortInfo(Add(ResourceKind.Port, request.Name, request.ClusterId, request), request.Name, request.FixedAddress!, null, request.AllowedAddressPairs));

    public Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken)
    {
        if (RefuseServers)
        {
            throw GridSpanException.Provider("fake", $"cannot create server {request.Name}: quota exceeded");
        }
        var id = Add(ResourceKind.Server, request.Name, request.ClusterId, request);
        if (request.Name == FailingServer)
        {
            _failed[id] = true;
        }
        return Task.FromResult(new ServerInfo(id, request.Name, ServerStatus.Building, [], [], null));
    }

    public Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken)
    {
        if (!Resources.TryGetValue(serverId, out var entry))
        {
            return Task.FromResult<ServerInfo?>(null);
        }
        var request = (ServerRequest)entry.Request;
        var port = (PortRequest)Resources[request.PortId].Request;
        var floating = Resources.Values.Where(r => r.Resource.Kind == ResourceKind.FloatingIp && ((FloatingIpRequest)r.Request).PortId == request.PortId)
            .Select(r => IPAddress.Parse("198.18.0." + (100 + int.Parse(r.Resource.Id.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture))));
        var polls = _polls.AddOrUpdate(serverId, 1, (_, n) => n + 1);
        var status = _failed.ContainsKey(serverId) ? ServerStatus.Error : polls > BuildingPolls ? ServerStatus.Active : ServerStatus.Building;
        return Task.FromResult<ServerInfo?>(new ServerInfo(serverId, request.Name, status, [port.FixedAddress!, .. floating],
            [$"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl {request.Name}"],
            status == ServerStatus.Error ? "image debian-12 not found" : null));
    }

    public Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken)
    {
        var id = Add(ResourceKind.FloatingIp, request.Name, request.ClusterId, request);
        return Task.FromResult(new FloatingIpInfo(id, IPAddress.Parse("198.18.0." + (100 + int.Parse(id.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture))), request.PortId));
    }

    public Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken) =>
        Task.FromResult<ImmutableArray<CloudResource>>([.. Resources.Values.Select(r => r.Resource).Where(r => r.ClusterId == clusterId)]);

    public Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken)
    {
        var inUse = resource.Kind switch
        {
            ResourceKind.Port => Resources.Values.Any(r => r.Request is ServerRequest s && s.PortId == resource.Id || r.Request is FloatingIpRequest f && f.PortId == resource.Id),
            ResourceKind.Network => Resources.Values.Any(r => r.Request is PortRequest p && p.NetworkId == resource.Id),
            ResourceKind.SecurityGroup => Resources.Values.Any(r => r.Request is PortRequest p && p.SecurityGroupIds.Contains(resource.Id)),
            ResourceKind.KeyPair => Resources.Values.Any(r => r.Request is ServerRequest),
            _ => false,
        };
        if (inUse)
        {
            throw GridSpanException.Provider("fake", $"{resource.Kind} {resource.Name} is still in use");
        }
        Resources.TryRemove(resource.Id, out _);
        Calls.Enqueue($"delete {resource.Kind} {resource.Name}");
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
