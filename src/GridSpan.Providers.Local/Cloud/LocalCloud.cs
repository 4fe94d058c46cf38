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

/// <summary>
/// The local cloud: networks, security groups, key pairs, ports, servers and floating addresses on
/// this machine. State lives in one JSON file under a lock (<see cref="StateStore"/>), so several
/// processes (the CLI, the API server) may use it at once and it survives restarts. Every resource
/// carries its cluster id. Slow work (booting a node) runs outside the lock.
/// </summary>
public sealed class LocalCloud
{
    private readonly Action<string> _report;
    private readonly NodeRuntime _nodes;
    private static readonly SemaphoreSlim PreflightOnce = new(1, 1);
    private static bool _preflightDone;

    public LocalCloud(LocalCloudOptions options, ICommandRunner runner, Action<string>? report = null)
    {
        Options = options;
        Names = new Names(options.Prefix);
        Commands = new Commands(runner);
        Store = new StateStore(options.StateDirectory);
        Images = new ImageStore(options.ImageDirectory, runner);
        _report = report ?? (_ => { });
        _nodes = new NodeRuntime(options, Names, Commands);
    }

    public LocalCloudOptions Options { get; }
    public Names Names { get; }
    public Commands Commands { get; }
    public StateStore Store { get; }
    public ImageStore Images { get; }

    public string TokenPath => Path.Combine(Options.StateDirectory, "api-token");

    public Uri ApiUri => new($"http://{Options.ApiAddress}:{Options.ApiPort}/");

    /// <summary>Tokens that let a cluster's master act on its own cluster only.</summary>
    public Api.ClusterTokens ClusterTokens => new(Path.Combine(Options.StateDirectory, "api-tokens"));

    /// <summary>What a cluster's master needs to call the API for its cluster (a secret: write it 0600, to the master only).</summary>
    public Api.LocalApiCredentials ApiCredentials(string clusterId) => new(ApiUri, ClusterTokens.Issue(clusterId));

    // ---------------------------------------------------------------- host and world

    public async Task PreflightAsync(CancellationToken cancellationToken)
    {
        await PreflightOnce.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_preflightDone)
            {
                var probe = File.Exists(Names.NetnsPath(Names.World)) ? null : $"{Names.Prefix}-probe";
                await new HostPreflight(Commands, _report).RunAsync(probe, cancellationToken).ConfigureAwait(false);
                _preflightDone = true;
            }
        }
        finally
        {
            PreflightOnce.Release();
        }
    }

    /// <summary>The world namespace with its public bridge, created on first use (call under the state lock).</summary>
    private async Task EnsureWorldAsync(CloudState state, CancellationToken cancellationToken)
    {
        var world = Names.World;
        if (!File.Exists(Names.NetnsPath(world)))
        {
            await Commands.RunAsync(cancellationToken, "ip", "netns", "add", world).ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "link", "add", Names.PublicBridge, "type", "bridge").ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "addr", "add",
                $"{Options.ApiAddress}/{Options.PublicSegment.PrefixLength}", "dev", Names.PublicBridge).ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "link", "set", Names.PublicBridge, "up").ConfigureAwait(false);
            // The world only switches frames; it never routes.
            await Commands.SysctlAsync(world, "net.ipv4.ip_forward=0", cancellationToken).ConfigureAwait(false);
            await ApplyPortSecurityAsync(state, cancellationToken).ConfigureAwait(false);
        }
        await EnsureApiServerAsync(state, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureApiServerAsync(CloudState state, CancellationToken cancellationToken)
    {
        if (!File.Exists(TokenPath))
        {
            var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            await File.WriteAllTextAsync(TokenPath, token, cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (state.Api is { } api && Processes.IsAlive(api.Pid, api.StartTicks))
        {
            return;
        }
        state.Api = null;
        if (Options.ApiServerCommand is not { Count: > 0 } command)
        {
            return;
        }
        var pidFile = ApiPidFile;
        // The recorded server is not running: a pid file left by it would make start-stop-daemon refuse to
        // start ("already running", exit 1) while that PID is a zombie or belongs to another process.
        File.Delete(pidFile);
        var environment = new Dictionary<string, string>
        {
            ["GRIDSPAN_LOCALCLOUD_STATE"] = Options.StateDirectory,
            ["GRIDSPAN_LOCALCLOUD_IMAGES"] = Options.ImageDirectory,
            ["GRIDSPAN_LOCALCLOUD_PREFIX"] = Options.Prefix,
            ["GRIDSPAN_LOCALCLOUD_PUBLIC"] = Options.PublicSegment.ToString(),
            ["GRIDSPAN_LOCALCLOUD_API_PORT"] = Options.ApiPort.ToString(CultureInfo.InvariantCulture),
        };
        // nsenter enters only the world's network namespace: the server listens on the public segment and
        // nowhere else, while it still sees the host's mounts (node overlays, /run/netns).
        await Commands.Runner.RunCheckedAsync(new CommandRequest("start-stop-daemon",
        [
            "--start", "--background", "--make-pidfile", "--pidfile", pidFile,
            "--output", Path.Combine(Options.StateDirectory, "api.log"),
            "--startas", "/usr/bin/nsenter", "--", $"--net={Names.NetnsPath(Names.World)}", .. command,
        ]) { Environment = environment }, cancellationToken).ConfigureAwait(false);
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
        state.Api = new ApiRecord(pid, Processes.StartTicks(pid) ?? 0, Options.ApiAddress.ToString(), Options.ApiPort);
    }

    private string ApiPidFile => Path.Combine(Options.StateDirectory, "api.pid");

    private Task<CommandResult> ApplyPortSecurityAsync(CloudState state, CancellationToken cancellationToken) =>
        Commands.NftAsync(Names.World, FirewallRules.PortSecurity(state.Ports), cancellationToken);

    private Task<CommandResult> ApplyRouterAsync(CloudState state, NetworkRecord network, CancellationToken cancellationToken)
    {
        var floating = state.FloatingIps
            .Select(f => (Floating: f, Port: state.Ports.FirstOrDefault(p => p.Id == f.PortId)))
            .Where(pair => pair.Port is not null && pair.Port.NetworkId == network.Id)
            .Select(pair => (pair.Floating, pair.Port!));
        return Commands.NftAsync(Names.Router(network.Id), FirewallRules.Router(network, floating), cancellationToken);
    }

    // ---------------------------------------------------------------- networks

    public async Task<NetworkRecord> CreateNetworkAsync(string name, string clusterId, IPNetwork cidr, int mtu, CancellationToken cancellationToken)
    {
        await PreflightAsync(cancellationToken).ConfigureAwait(false);
        if (cidr.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || cidr.PrefixLength is < 16 or > 29)
        {
            throw Refused(name, $"the subnet {cidr} is not an IPv4 subnet between /16 and /29");
        }
        if (mtu is < 1280 or > 9000)
        {
            throw Refused(name, $"the MTU {mtu} is outside 1280..9000");
        }
        return await Store.UpdateAsync(async state =>
        {
            // Creating a cluster's network again (a retried or resumed create) returns the one that exists.
            if (state.Networks.FirstOrDefault(n => n.Name == name && n.ClusterId == clusterId) is { } existing)
            {
                return existing.Cidr == cidr.ToString()
                    ? existing
                    : throw Refused(name, $"cluster {clusterId} already has a network named {name}, with the subnet {existing.Cidr}, not {cidr}",
                        "keep the site's subnet as it was created, or terminate the cluster first");
            }
            if (Overlaps(cidr, Options.PublicSegment) || state.Networks.Any(n => Overlaps(cidr, IPNetwork.Parse(n.Cidr)) && n.ClusterId == clusterId))
            {
                throw Refused(name, $"the subnet {cidr} overlaps the public segment or another network of cluster {clusterId}");
            }
            await EnsureWorldAsync(state, cancellationToken).ConfigureAwait(false);
            var used = state.Networks.Select(n => n.RouterAddress).ToHashSet(StringComparer.Ordinal);
            var routerAddress = Enumerable.Range(2, 97).Select(i => AddressMath.Host(Options.PublicSegment, i).ToString())
                .FirstOrDefault(a => !used.Contains(a)) ?? throw Refused(name, "the public segment has no router address left (97 networks)");
            var network = new NetworkRecord(Names.NewId(), name, clusterId, cidr.ToString(), mtu, routerAddress);
            try
            {
                await CreateSiteNetworkAsync(network, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await RemoveSiteNetworkAsync(network.Id).ConfigureAwait(false);
                throw;
            }
            state.Networks.Add(network);
            await ApplyRouterAsync(state, network, cancellationToken).ConfigureAwait(false);
            return network;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateSiteNetworkAsync(NetworkRecord network, CancellationToken cancellationToken)
    {
        var world = Names.World;
        var router = Names.Router(network.Id);
        var cidr = IPNetwork.Parse(network.Cidr);
        var mtu = network.Mtu.ToString(CultureInfo.InvariantCulture);
        var bridge = Names.SiteBridge(network.Id);
        await Commands.IpAsync(world, cancellationToken, "link", "add", bridge, "mtu", mtu, "type", "bridge").ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "set", bridge, "up").ConfigureAwait(false);
        await Commands.RunAsync(cancellationToken, "ip", "netns", "add", router).ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
        await Commands.SysctlAsync(router, "net.ipv4.ip_forward=1", cancellationToken).ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "add", Names.RouterSiteLeg(network.Id), "mtu", mtu, "type", "veth",
            "peer", "name", "site", "netns", router).ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "set", Names.RouterSiteLeg(network.Id), "master", bridge, "up").ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "add", Names.RouterPublicLeg(network.Id), "type", "veth",
            "peer", "name", "public", "netns", router).ConfigureAwait(false);
        await Commands.IpAsync(world, cancellationToken, "link", "set", Names.RouterPublicLeg(network.Id), "master", Names.PublicBridge, "up").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "addr", "add", $"{AddressMath.Host(cidr, 1)}/{cidr.PrefixLength}", "dev", "site").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "link", "set", "site", "mtu", mtu, "up").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "addr", "add",
            $"{network.RouterAddress}/{Options.PublicSegment.PrefixLength}", "dev", "public").ConfigureAwait(false);
        await Commands.IpAsync(router, cancellationToken, "link", "set", "public", "up").ConfigureAwait(false);
    }

    private async Task RemoveSiteNetworkAsync(string networkId)
    {
        var router = Names.Router(networkId);
        if (File.Exists(Names.NetnsPath(router)))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "netns", "del", router).ConfigureAwait(false);
        }
        if (File.Exists(Names.NetnsPath(Names.World)))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "-n", Names.World, "link", "del", Names.SiteBridge(networkId)).ConfigureAwait(false);
        }
    }

    // ---------------------------------------------------------------- security groups, key pairs

    public Task<SecurityGroupRecord> CreateSecurityGroupAsync(string name, string clusterId, IEnumerable<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var records = rules.Select(r =>
        {
            if (r.Protocol is IpProtocol.Tcp or IpProtocol.Udp && (r.PortMin is < 1 or > 65535 || r.PortMax < r.PortMin || r.PortMax > 65535))
            {
                throw Refused(name, $"the port range {r.PortMin}-{r.PortMax} is not within 1..65535");
            }
            return new RuleRecord(r.Protocol.ToString().ToLowerInvariant(), r.PortMin, r.PortMax, r.Source.ToString());
        }).ToList();
        return Store.UpdateAsync(state =>
        {
            var group = new SecurityGroupRecord(Names.NewId(), name, clusterId, records);
            state.SecurityGroups.Add(group);
            return group;
        }, cancellationToken);
    }

    public Task<KeyPairRecord> CreateKeyPairAsync(string name, string clusterId, string publicKey, CancellationToken cancellationToken)
    {
        var key = publicKey.Trim();
        if (key.Contains('\n', StringComparison.Ordinal) || !key.StartsWith("ssh-", StringComparison.Ordinal) && !key.StartsWith("ecdsa-", StringComparison.Ordinal))
        {
            throw Refused(name, "the public key is not one OpenSSH public key line (ssh-ed25519 AAAA..., ssh-rsa ..., ecdsa-...)");
        }
        return Store.UpdateAsync(state =>
        {
            if (state.KeyPairs.Any(k => k.Name == name && k.ClusterId == clusterId))
            {
                throw Refused(name, $"a key pair named {name} already exists in cluster {clusterId}");
            }
            var pair = new KeyPairRecord(Names.NewId(), name, clusterId, key);
            state.KeyPairs.Add(pair);
            return pair;
        }, cancellationToken);
    }

    // ---------------------------------------------------------------- ports

    public Task<PortRecord> CreatePortAsync(string name, string clusterId, string networkId, IPAddress? fixedAddress,
        IEnumerable<string> securityGroupIds, IEnumerable<IPNetwork> allowedAddressPairs, CancellationToken cancellationToken)
    {
        var groups = securityGroupIds.ToList();
        var allowed = allowedAddressPairs.Select(CheckPair).ToList();
        return Store.UpdateAsync(state =>
        {
            var network = state.Networks.FirstOrDefault(n => n.Id == networkId)
                ?? throw NotFound("network", networkId);
            foreach (var group in groups.Where(g => state.SecurityGroups.All(s => s.Id != g)))
            {
                throw NotFound("security group", group);
            }
            var cidr = IPNetwork.Parse(network.Cidr);
            var taken = state.Ports.Where(p => p.NetworkId == networkId).Select(p => p.Address).ToHashSet(StringComparer.Ordinal);
            string address;
            if (fixedAddress is not null)
            {
                if (!cidr.Contains(fixedAddress) || fixedAddress.Equals(AddressMath.Host(cidr, 1)) || fixedAddress.Equals(cidr.BaseAddress)
                    || AddressMath.ToUInt(fixedAddress) == AddressMath.ToUInt(cidr.BaseAddress) + (uint)AddressMath.HostCount(cidr) + 1)
                {
                    throw Refused(name, $"{fixedAddress} is not a usable address of {cidr} (.1 is the router)");
                }
                address = fixedAddress.ToString();
                if (taken.Contains(address))
                {
                    throw Refused(name, $"{address} is already used by another port in network {network.Name}");
                }
            }
            else
            {
                address = Enumerable.Range(10, Math.Max(0, AddressMath.HostCount(cidr) - 9))
                    .Select(i => AddressMath.Host(cidr, i).ToString()).FirstOrDefault(a => !taken.Contains(a))
                    ?? throw Refused(name, $"network {network.Name} ({cidr}) has no free address left");
            }
            var id = Names.NewId();
            // The MAC follows the address: an on-demand node started again gets a new port with its old
            // address, and a new MAC would leave its neighbours sending to the old one until their ARP
            // entry failed (about 9 s). Unique within the network, as the address is.
            var mac = "02:00:" + string.Join(':', IPAddress.Parse(address).GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            var port = new PortRecord(id, name, clusterId, networkId, address, mac, groups, allowed.Select(a => a.ToString()).ToList(), null);
            state.Ports.Add(port);
            return port;
        }, cancellationToken);
    }

    public Task<PortRecord> SetAllowedAddressPairsAsync(string portId, IEnumerable<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var pairs = allowed.Select(CheckPair).Select(a => a.ToString()).ToList();
        return Store.UpdateAsync(async state =>
        {
            var index = state.Ports.FindIndex(p => p.Id == portId);
            if (index < 0)
            {
                throw NotFound("port", portId);
            }
            var port = state.Ports[index] with { AllowedAddressPairs = pairs };
            state.Ports[index] = port;
            if (File.Exists(Names.NetnsPath(Names.World)))
            {
                await ApplyPortSecurityAsync(state, cancellationToken).ConfigureAwait(false);
            }
            return port;
        }, cancellationToken);
    }

    private static IPNetwork CheckPair(IPNetwork pair) =>
        pair.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? pair
            : throw GridSpanException.Provider("local", $"the allowed address pair {pair} is not IPv4; the local cloud is IPv4 only");

    // ---------------------------------------------------------------- servers

    public async Task<ServerRecord> CreateServerAsync(string name, string clusterId, string image, string flavor, string portId,
        string keyPairName, string? userData, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await PreflightAsync(cancellationToken).ConfigureAwait(false);
        var size = LocalFlavors.All.GetValueOrDefault(flavor)
            ?? throw Refused(name, $"there is no flavor '{flavor}' (flavors: {string.Join(", ", LocalFlavors.All.Keys)})");
        var recipe = ImageStore.Find(image)
            ?? throw Refused(name, $"there is no image '{image}' (images: {ImageRecipe.Debian12.Name})");
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
            var ready = await NetnsSocket.AnswersAsync(Names.NetnsPath(Names.Node(serverId)), new IPEndPoint(IPAddress.Parse(port.Address), 22),
                "SSH-", TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            if (ready)
            {
                return await UpdateServerAsync(serverId, s => s with { Status = ServerStatusText.Active }, cancellationToken).ConfigureAwait(false);
            }
        }
        return server;
    }

    /// <summary>Waits until the server is active (SSH answers) or failed. Polls the node itself, not the state file.</summary>
    public async Task<ServerRecord> WaitActiveAsync(string serverId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var record = state.Servers.FirstOrDefault(s => s.Id == serverId) ?? throw NotFound("server", serverId);
        var port = state.Ports.First(p => p.Id == record.PortId);
        var ssh = new IPEndPoint(IPAddress.Parse(port.Address), 22);
        var netns = Names.NetnsPath(Names.Node(serverId));
        while (true)
        {
            var alive = record.Pid is { } pid && record.StartTicks is { } ticks && Processes.IsAlive(pid, ticks);
            if (!alive || record.Status != ServerStatusText.Building
                || await NetnsSocket.AnswersAsync(netns, ssh, "SSH-", TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false))
            {
                var server = await GetServerAsync(serverId, cancellationToken).ConfigureAwait(false) ?? throw NotFound("server", serverId);
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
            if (DateTime.UtcNow > deadline)
            {
                throw GridSpanException.Provider("local", $"server {record.Name} did not answer on SSH within {timeout.TotalSeconds:0} s: {_nodes.ConsoleTail(serverId)}");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
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

    // ---------------------------------------------------------------- floating addresses

    public Task<FloatingIpRecord> CreateFloatingIpAsync(string name, string clusterId, string portId, CancellationToken cancellationToken) =>
        Store.UpdateAsync(async state =>
        {
            var port = state.Ports.FirstOrDefault(p => p.Id == portId) ?? throw NotFound("port", portId);
            if (state.FloatingIps.Any(f => f.PortId == portId))
            {
                throw Refused(name, $"port {port.Name} already has a floating address");
            }
            var used = state.FloatingIps.Select(f => f.Address).ToHashSet(StringComparer.Ordinal);
            var address = Enumerable.Range(100, AddressMath.HostCount(Options.PublicSegment) - 99)
                .Select(i => AddressMath.Host(Options.PublicSegment, i).ToString()).FirstOrDefault(a => !used.Contains(a))
                ?? throw Refused(name, "the public segment has no floating address left");
            var floating = new FloatingIpRecord(Names.NewId(), name, clusterId, address, portId);
            var network = state.Networks.First(n => n.Id == port.NetworkId);
            await Commands.IpAsync(Names.Router(network.Id), cancellationToken, "addr", "add", $"{address}/32", "dev", "public").ConfigureAwait(false);
            state.FloatingIps.Add(floating);
            await ApplyRouterAsync(state, network, cancellationToken).ConfigureAwait(false);
            return floating;
        }, cancellationToken);

    // ---------------------------------------------------------------- listing and deleting

    public async Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return [.. Resources(state).Where(r => r.ClusterId == clusterId)];
    }

    /// <summary>The cluster a resource belongs to, or null when there is no such resource.</summary>
    public async Task<string?> ClusterOfAsync(ResourceKind kind, string id, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Resources(state).FirstOrDefault(r => r.Kind == kind && r.Id == id)?.ClusterId;
    }

    public static IEnumerable<CloudResource> Resources(CloudState state) =>
        state.FloatingIps.Select(f => new CloudResource(ResourceKind.FloatingIp, f.Id, f.Name, f.ClusterId))
            .Concat(state.Servers.Select(s => new CloudResource(ResourceKind.Server, s.Id, s.Name, s.ClusterId)))
            .Concat(state.Ports.Select(p => new CloudResource(ResourceKind.Port, p.Id, p.Name, p.ClusterId)))
            // A local network and its subnet are one record; it is listed as both, as clouds that keep them
            // apart list them (NetworkInfo.SubnetId is the network's id), and deleting either deletes it.
            .Concat(state.Networks.Select(n => new CloudResource(ResourceKind.Subnet, n.Id, n.Name + "-subnet", n.ClusterId)))
            .Concat(state.Networks.Select(n => new CloudResource(ResourceKind.Network, n.Id, n.Name, n.ClusterId)))
            .Concat(state.SecurityGroups.Select(g => new CloudResource(ResourceKind.SecurityGroup, g.Id, g.Name, g.ClusterId)))
            .Concat(state.KeyPairs.Select(k => new CloudResource(ResourceKind.KeyPair, k.Id, k.Name, k.ClusterId)))
            .OrderBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal);

    /// <summary>Deletes one resource; one that is already gone is not an error. Refuses while others depend on it.</summary>
    public async Task DeleteAsync(ResourceKind kind, string id, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case ResourceKind.Server:
                await DeleteServerAsync(id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.FloatingIp:
                await Store.UpdateAsync(async state =>
                {
                    var floating = state.FloatingIps.FirstOrDefault(f => f.Id == id);
                    if (floating is null)
                    {
                        return 0;
                    }
                    state.FloatingIps.Remove(floating);
                    var port = state.Ports.FirstOrDefault(p => p.Id == floating.PortId);
                    var network = port is null ? null : state.Networks.FirstOrDefault(n => n.Id == port.NetworkId);
                    if (network is not null && File.Exists(Names.NetnsPath(Names.Router(network.Id))))
                    {
                        await Commands.TryAsync(cancellationToken, "ip", "-n", Names.Router(network.Id), "addr", "del", $"{floating.Address}/32", "dev", "public")
                            .ConfigureAwait(false);
                        await ApplyRouterAsync(state, network, cancellationToken).ConfigureAwait(false);
                    }
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Port:
                await Store.UpdateAsync(state =>
                {
                    var port = state.Ports.FirstOrDefault(p => p.Id == id);
                    if (port?.ServerId is { } serverId)
                    {
                        throw GridSpanException.Provider("local", $"port {port.Name} is in use by server {serverId}", "delete the server first");
                    }
                    if (port is not null && state.FloatingIps.Any(f => f.PortId == id))
                    {
                        throw GridSpanException.Provider("local", $"port {port.Name} still has a floating address", "delete the floating address first");
                    }
                    state.Ports.RemoveAll(p => p.Id == id);
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Network or ResourceKind.Subnet or ResourceKind.Router:
                await Store.UpdateAsync(async state =>
                {
                    var network = state.Networks.FirstOrDefault(n => n.Id == id);
                    if (network is null)
                    {
                        return 0;
                    }
                    if (state.Ports.Any(p => p.NetworkId == id))
                    {
                        throw GridSpanException.Provider("local", $"network {network.Name} still has ports", "delete its servers and ports first");
                    }
                    await RemoveSiteNetworkAsync(id).ConfigureAwait(false);
                    state.Networks.Remove(network);
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.SecurityGroup:
                await Store.UpdateAsync(state =>
                {
                    if (state.Ports.FirstOrDefault(p => p.SecurityGroupIds.Contains(id)) is { } user)
                    {
                        throw GridSpanException.Provider("local", $"security group {id} is used by port {user.Name}", "delete the port first");
                    }
                    return state.SecurityGroups.RemoveAll(g => g.Id == id);
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.KeyPair:
                await Store.UpdateAsync(state => state.KeyPairs.RemoveAll(k => k.Id == id), cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown resource kind");
        }
    }

    private async Task DeleteServerAsync(string id, CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var server = state.Servers.FirstOrDefault(s => s.Id == id);
        if (server is null)
        {
            return;
        }
        await _nodes.RemoveAsync(id, server.Pid, server.StartTicks, cancellationToken).ConfigureAwait(false);
        await Store.UpdateAsync(async current =>
        {
            current.Servers.RemoveAll(s => s.Id == id);
            var index = current.Ports.FindIndex(p => p.ServerId == id);
            if (index >= 0)
            {
                current.Ports[index] = current.Ports[index] with { ServerId = null };
            }
            if (File.Exists(Names.NetnsPath(Names.World)))
            {
                await Commands.TryAsync(cancellationToken, "ip", "-n", Names.World, "link", "del", Names.PortLeg(server.PortId)).ConfigureAwait(false);
                await ApplyPortSecurityAsync(current, cancellationToken).ConfigureAwait(false);
            }
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every resource tagged with the cluster's id, in dependency order (servers before ports, ...).</summary>
    public async Task<int> DeleteByTagAsync(string clusterId, CancellationToken cancellationToken)
    {
        var resources = await ListAsync(clusterId, cancellationToken).ConfigureAwait(false);
        foreach (var kind in resources.Select(r => r.Kind).Distinct().Order())
        {
            await Parallel.ForEachAsync(resources.Where(r => r.Kind == kind),
                new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (resource, token) => await DeleteAsync(resource.Kind, resource.Id, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        return resources.Length;
    }

    /// <summary>
    /// Removes everything this local cloud created: servers (their processes by PID, mounts, cgroups,
    /// namespaces), routers, bridges, the world namespace, the API server, and the state.
    /// </summary>
    public async Task<DownReport> DownAsync(CancellationToken cancellationToken)
    {
        var state = await Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(state.Servers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (server, _) => await _nodes.RemoveAsync(server.Id, server.Pid, server.StartTicks, CancellationToken.None).ConfigureAwait(false))
            .ConfigureAwait(false);
        // Nodes whose state entry was lost still have a directory: remove them too.
        var nodesDirectory = Path.Combine(Options.StateDirectory, "nodes");
        if (Directory.Exists(nodesDirectory))
        {
            foreach (var orphan in Directory.GetDirectories(nodesDirectory))
            {
                await _nodes.RemoveAsync(Path.GetFileName(orphan), null, null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        if (state.Api is { } api)
        {
            // Down returns only once the old server is gone: a create right after it starts a new one.
            Processes.Signal(api.Pid, api.StartTicks, Processes.SigTerm);
            if (!await Processes.WaitGoneAsync(api.Pid, api.StartTicks, TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false))
            {
                Processes.Signal(api.Pid, api.StartTicks, Processes.SigKill);
                await Processes.WaitGoneAsync(api.Pid, api.StartTicks, TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            }
        }
        File.Delete(ApiPidFile);
        foreach (var network in state.Networks)
        {
            await RemoveSiteNetworkAsync(network.Id).ConfigureAwait(false);
        }
        // Namespaces named with this cloud's prefix that the state forgot (an interrupted create).
        // Only names of exactly the shapes this cloud gives (never a mere prefix match: other tools' names may look alike).
        var leftovers = Directory.Exists("/run/netns")
            ? Directory.GetFiles("/run/netns").Select(Path.GetFileName).Where(n => Names.IsOwnNamespace(n!)).ToList()
            : [];
        foreach (var netns in leftovers.Where(n => n != Names.World))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "netns", "del", netns!).ConfigureAwait(false);
        }
        if (File.Exists(Names.NetnsPath(Names.World)))
        {
            await Commands.TryAsync(CancellationToken.None, "ip", "netns", "del", Names.World).ConfigureAwait(false);
        }
        _nodes.RemoveCgroupParents();
        await Store.UpdateAsync(s =>
        {
            var quota = s.Quota;
            s.Networks.Clear();
            s.SecurityGroups.Clear();
            s.KeyPairs.Clear();
            s.Ports.Clear();
            s.Servers.Clear();
            s.FloatingIps.Clear();
            s.Api = null;
            s.Quota = quota;
            return 0;
        }, CancellationToken.None).ConfigureAwait(false);
        return new DownReport(state.Servers.Count, state.Networks.Count, state.Api is not null);
    }

    // ---------------------------------------------------------------- helpers

    private static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static bool IsHostname(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && name[0] != '-' && name[^1] != '-';

    private static GridSpanException Refused(string name, string why, string? fix = null) =>
        GridSpanException.Provider("local", $"cannot create {name}: {why}", fix);

    private static GridSpanException NotFound(string kind, string id) =>
        GridSpanException.Provider("local", $"there is no {kind} '{id}' in the local cloud", $"list what exists with `gridspan localcloud status`");
}

public sealed record DownReport(int Servers, int Networks, bool ApiServer);
