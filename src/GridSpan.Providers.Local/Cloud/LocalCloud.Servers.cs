using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using GridSpan.Common;
using GridSpan.Providers.Local.Host;
using GridSpan.Providers.Local.Images;
using GridSpan.Providers.Local.Network;
using GridSpan.Providers.Local.Nodes;
using GridSpan.Provision;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    public async Task<ServerRecord> CreateServerAsync(string name, string clusterId, string image, string flavor, string portId,
        string keyPairName, string? userData, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await PreflightAsync(cancellationToken).ConfigureAwait(false);
        var size = LocalFlavors.All.GetValueOrDefault(flavor)
            ?? throw Refused(name, $"there is no flavor '{flavor}' (flavors: {string.Join(", ", LocalFlavors.All.Keys)})");
        var recipe = ImageStore.Find(image)
            ?? throw Refused(name, $"there is no image '{image}' (images: {string.Join(", ", ImageRecipe.All.Select(r => r.Name))})");
        if (!Images.IsBuilt(recipe))
        {
            throw Refused(name, $"the image {image} has not been built on this machine", "run `gridspan localcloud image build` (about 2 minutes)");
        }
        var parsed = UserData.Parse(userData);
        if (!IsHostname(parsed.Hostname ?? name))
        {
            throw Refused(name, $"'{parsed.Hostname ?? name}' is not a valid host name (letters, digits and '-', at most 63)");
        }

        NodeRuntime.LaunchPlan? plan = null;
        var server = await Store.UpdateAsync(async state =>
        {
            var port = state.Ports.FirstOrDefault(p => p.Id == portId) ?? throw NotFound("port", portId);
            if (port.ServerId is not null)
            {
                throw Refused(name, $"port {port.Name} is already attached to server {port.ServerId}");
            }
            var key = state.KeyPairs.FirstOrDefault(k => k.Name == keyPairName && k.ClusterId == clusterId)
                ?? state.KeyPairs.FirstOrDefault(k => k.Name == keyPairName)
                ?? throw NotFound("key pair", keyPairName);
            var network = state.Networks.First(n => n.Id == port.NetworkId);
            CheckQuota(state, name, clusterId, network);
            await EnsureWorldAsync(state, cancellationToken).ConfigureAwait(false);
            var record = new ServerRecord(Names.NewId(), name, clusterId, network.Id, port.Id, image, Images.RootOf(recipe), flavor,
                ServerStatusText.Building, null, null, null, [], new SortedDictionary<string, string>(metadata.ToDictionary(), StringComparer.Ordinal),
                DateTimeOffset.UtcNow);
            state.Servers.Add(record);
            state.Ports[state.Ports.FindIndex(p => p.Id == port.Id)] = port with { ServerId = record.Id };
            await ApplyPortSecurityAsync(state, cancellationToken).ConfigureAwait(false);
            var groups = state.SecurityGroups.Where(g => port.SecurityGroupIds.Contains(g.Id));
            plan = new NodeRuntime.LaunchPlan(record, port, network, FirewallRules.SecurityGroups(network.Cidr, groups), key.PublicKey, parsed, size);
            return record;
        }, cancellationToken).ConfigureAwait(false);

        try
        {
            var (hostKeys, pid, ticks) = await _nodes.LaunchAsync(plan!, cancellationToken).ConfigureAwait(false);
            return await UpdateServerAsync(server.Id, s => s with { Pid = pid, StartTicks = ticks, HostKeys = [.. hostKeys.Lines] }, cancellationToken)
                .ConfigureAwait(false) ?? server;
        }
        catch (Exception failure) when (failure is GridSpanException or IOException)
        {
            await UpdateServerAsync(server.Id, s => s with { Status = ServerStatusText.Error, Fault = failure.Message }, CancellationToken.None)
                .ConfigureAwait(false);
            throw;
        }
    }

    private static void CheckQuota(CloudState state, string name, string clusterId, NetworkRecord network)
    {
        if (state.Quota.MaxServersPerCluster is { } perCluster && state.Servers.Count(s => s.ClusterId == clusterId) >= perCluster)
        {
            throw GridSpanException.Provider("local",
                $"cannot create server {name}: quota exceeded, cluster {clusterId} already has {perCluster} servers (the maximum per cluster)",
                "delete servers or raise the quota with `gridspan localcloud quota --servers-per-cluster N`");
        }
        if (state.Quota.MaxServersPerNetwork is { } perNetwork && state.Servers.Count(s => s.NetworkId == network.Id) >= perNetwork)
        {
            throw GridSpanException.Provider("local",
                $"cannot create server {name}: quota exceeded, network {network.Name} already has {perNetwork} servers (the maximum per site)",
                "delete servers or raise the quota with `gridspan localcloud quota --servers-per-site N`");
        }
    }

    public Task<QuotaRecord> SetQuotaAsync(QuotaRecord quota, CancellationToken cancellationToken) =>
        Store.UpdateAsync(state => state.Quota = quota, cancellationToken);

    private Task<ServerRecord?> UpdateServerAsync(string id, Func<ServerRecord, ServerRecord> change, CancellationToken cancellationToken) =>
        Store.UpdateAsync(state =>
        {
            var index = state.Servers.FindIndex(s => s.Id == id);
            if (index < 0)
            {
                return null;
            }
            state.Servers[index] = change(state.Servers[index]);
            return state.Servers[index];
        }, cancellationToken);

    /// <summary>The server as it is now: building until its SSH answers, active then, error when its container died.</summary>
    public async Task<ServerRecord?> GetServerAsync(string serverId, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var server = state.Servers.FirstOrDefault(s => s.Id == serverId);
        if (server is null || server.Status == ServerStatusText.Error)
        {
            return server;
        }
        if (server.Pid is not { } pid || server.StartTicks is not { } ticks)
        {
            return server;
        }
        if (!Processes.IsAlive(pid, ticks))
        {
            var fault = $"the container stopped: {_nodes.ConsoleTail(serverId)}";
            return await UpdateServerAsync(serverId, s => s with { Status = ServerStatusText.Error, Fault = fault }, cancellationToken).ConfigureAwait(false);
        }
        if (server.Status == ServerStatusText.Building)
        {
            var port = state.Ports.First(p => p.Id == server.PortId);
            if (await SshAnswersAsync(server, port, cancellationToken).ConfigureAwait(false))
            {
                return await UpdateServerAsync(serverId, s => s with { Status = ServerStatusText.Active }, cancellationToken).ConfigureAwait(false);
            }
        }
        return server;
    }

    /// <summary>Waits until the server is active (SSH answers) or failed. Polls the node itself, not the state file.</summary>
    public async Task<ServerRecord> WaitActiveAsync(string serverId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var record = state.Servers.FirstOrDefault(s => s.Id == serverId) ?? throw NotFound("server", serverId);
        var port = state.Ports.First(p => p.Id == record.PortId);
        return await Wait.UntilAsync(async token =>
        {
            var alive = record.Pid is { } pid && record.StartTicks is { } ticks && Processes.IsAlive(pid, ticks);
            if (!alive || record.Status != ServerStatusText.Building || await SshAnswersAsync(record, port, token).ConfigureAwait(false))
            {
                var server = await GetServerAsync(serverId, token).ConfigureAwait(false) ?? throw NotFound("server", serverId);
                if (server.Status == ServerStatusText.Active)
                {
                    return server;
                }
                if (server.Status == ServerStatusText.Error)
                {
                    throw GridSpanException.Provider("local", $"server {server.Name} failed: {server.Fault}");
                }
                record = server;
            }
            return null;
        }, TimeSpan.FromMilliseconds(100), timeout,
            () => GridSpanException.Provider("local", $"server {record.Name} did not answer on SSH within {timeout.TotalSeconds:0} s: {_nodes.ConsoleTail(serverId)}"),
            TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when the server's sshd greets. Connects only once sshd listens (read from /proc, free
    /// for the node), and then waits long for the greeting: a connection abandoned early leaves an
    /// sshd child behind, and probing a slow node that way piles children up until sshd drops
    /// connections (MaxStartups) and the node never looks ready.
    /// </summary>
    private async Task<bool> SshAnswersAsync(ServerRecord server, PortRecord port, CancellationToken cancellationToken)
    {
        if (server.Pid is not { } pid || NodeRuntime.InitPid(pid) is not { } init || !ListeningPorts.IsListening(init, 22))
        {
            return false;
        }
        return await NetnsSocket.AnswersAsync(Names.NetnsPath(Names.Node(server.Id)), new IPEndPoint(IPAddress.Parse(port.Address), 22), "SSH-",
            TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a shell script inside a server (all its namespaces), as root; for tests and diagnostics.</summary>
    public async Task<CommandResult> ExecAsync(string serverId, string script, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var server = state.Servers.FirstOrDefault(s => s.Id == serverId) ?? throw NotFound("server", serverId);
        var init = server.Pid is { } pid ? NodeRuntime.InitPid(pid) : null;
        if (init is null)
        {
            throw GridSpanException.Provider("local", $"server {server.Name} is not running");
        }
        return await Commands.Runner.RunAsync(new CommandRequest("nsenter",
            ["-t", init.Value.ToString(CultureInfo.InvariantCulture), "-a", "/bin/sh", "-c", script]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The server as the provider contract describes it: status, fixed and floating address, host keys.</summary>
    public Task<ServerInfo?> DescribeServerAsync(string serverId, CancellationToken cancellationToken) =>
        DescribeServerAsync(serverId, ofCluster: null, cancellationToken);

    /// <summary>The server as a client sees it; null when there is none, or when it is not of <paramref name="ofCluster"/> (when given).</summary>
    public async Task<ServerInfo?> DescribeServerAsync(string serverId, string? ofCluster, CancellationToken cancellationToken)
    {
        var server = await GetServerAsync(serverId, cancellationToken).ConfigureAwait(false);
        if (server is null || (ofCluster is not null && server.ClusterId != ofCluster))
        {
            return null;
        }
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var addresses = new List<IPAddress>();
        if (state.Ports.FirstOrDefault(p => p.Id == server.PortId) is { } port)
        {
            addresses.Add(IPAddress.Parse(port.Address));
        }
        if (state.FloatingIps.FirstOrDefault(f => f.PortId == server.PortId) is { } floating)
        {
            addresses.Add(IPAddress.Parse(floating.Address));
        }
        var status = server.Status switch
        {
            ServerStatusText.Active => ServerStatus.Active,
            ServerStatusText.Error => ServerStatus.Error,
            _ => ServerStatus.Building,
        };
        return new ServerInfo(server.Id, server.Name, status, [.. addresses], [.. server.HostKeys], server.Fault);
    }
}
