using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Compute;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Images;
using GridSpan.Providers.OpenStack.Master;
using GridSpan.Providers.OpenStack.Networking;
using GridSpan.Providers.OpenStack.Selection;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

/// <summary>
/// One OpenStack site of one cluster. Everything it creates carries the tag `gridspan:&lt;cluster&gt;`
/// (Nova server tags, Neutron tags) except key pairs, which Nova cannot tag: they are named
/// `gridspan_&lt;cluster&gt;_&lt;name&gt;` (Nova allows only letters, digits, _, - and space) and found by that prefix. Key pairs belong to the user, not
/// the project, so another user of the same project does not see them.
/// Creates are idempotent by name within the cluster: re-running after a failure reuses what exists.
/// </summary>
public sealed class OpenStackSiteProvider : ISiteProvider
{
    private readonly string _site;
    private readonly OpenStackSiteSettings _settings;
    private readonly Lazy<Task<OpenStackSession>> _session;
    private readonly MasterCredentialIssuer _masterCredentials;
    private readonly SemaphoreSlim _cacheLock = new(1, 1);
    private ImmutableArray<GlanceImage>? _images;
    private ImmutableArray<NovaFlavor>? _flavors;
    private ImmutableArray<string>? _extraSecurityGroups;
    private NeutronResource? _externalNetwork;
    private bool _externalNetworkResolved;

    internal OpenStackSiteProvider(string site, OpenStackSiteSettings settings, CloudConfig cloud, HttpMessageHandler? handler, RetrySettings retry,
        IssuedMasterCredentials? issued = null)
    {
        _site = site;
        _settings = settings;
        _masterCredentials = new MasterCredentialIssuer(issued ?? new IssuedMasterCredentials());
        _session = new Lazy<Task<OpenStackSession>>(() => OpenStackSession.OpenAsync(site, cloud, handler, retry, CancellationToken.None));
    }

    /// <summary>How long <see cref="DeleteAsync"/> waits for a server to disappear.</summary>
    public TimeSpan ServerDeleteTimeout { get; init; } = TimeSpan.FromMinutes(5);

    internal static OpenStackSiteProvider Connect(SiteConnection connection, CloudsFileLocator locator, IssuedMasterCredentials issued)
    {
        var settings = connection.Site.Settings as OpenStackSiteSettings
            ?? throw new ArgumentException($"site '{connection.Site.Name}' is not an OpenStack site", nameof(connection));
        var cloud = CloudsFile.Load(locator, settings.Cloud);
        return new OpenStackSiteProvider(connection.Site.Name, settings, cloud, null, RetrySettings.Default, issued);
    }

    /// <summary>Connects to a cloud entry directly (tests, benchmarks, `check`).</summary>
    public static OpenStackSiteProvider Connect(string site, OpenStackSiteSettings settings, CloudConfig cloud, RetrySettings? retry = null) =>
        new(site, settings, cloud, null, retry ?? RetrySettings.Default);

    internal Task<OpenStackSession> SessionAsync() => _session.Value;

    public static string KeyPairPrefix(string clusterId) => $"gridspan_{clusterId}_";

    public async Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = await _session.Value.ConfigureAwait(false);
        var neutron = session.Neutron;
        if (_settings.Network is { } existingName)
        {
            return await ExistingNetworkAsync(neutron, existingName, cancellationToken).ConfigureAwait(false);
        }
        var tag = ClusterTag.For(request.ClusterId);
        var network = (await neutron.ListTaggedAsync("networks", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(n => n.Name == request.Name)
            ?? await neutron.CreateAsync("networks", new JsonObject
            {
                ["name"] = request.Name,
                ["admin_state_up"] = true,
                ["port_security_enabled"] = true,
                ["description"] = $"GridSpan cluster {request.ClusterId}",
            }, tag, cancellationToken).ConfigureAwait(false);
        var mtu = network.Json.TryGetProperty("mtu", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : request.Mtu;
        if (request.Mtu < mtu)
        {
            // Only lowering is safe: the cloud's own MTU is the most its overlay carries.
            if ((await neutron.ExtensionsAsync(cancellationToken).ConfigureAwait(false)).Contains("net-mtu-writable"))
            {
                network = await neutron.UpdateAsync("networks", network.Id, new JsonObject { ["mtu"] = request.Mtu }, cancellationToken).ConfigureAwait(false);
                mtu = request.Mtu;
            }
        }
        var subnetName = request.Name + "-subnet";
        var subnet = (await neutron.ListTaggedAsync("subnets", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Name == subnetName && s.Text("network_id") == network.Id)
            ?? await neutron.CreateAsync("subnets", new JsonObject
            {
                ["name"] = subnetName,
                ["network_id"] = network.Id,
                ["ip_version"] = 4,
                ["cidr"] = request.Cidr.ToString(),
                ["enable_dhcp"] = true,
            }, tag, cancellationToken).ConfigureAwait(false);
        string? routerId = null;
        var external = await ExternalNetworkAsync(neutron, required: false, cancellationToken).ConfigureAwait(false);
        if (external is not null)
        {
            var routerName = request.Name + "-router";
            var router = (await neutron.ListTaggedAsync("routers", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Name == routerName);
            if (router is null)
            {
                router = await neutron.CreateAsync("routers", new JsonObject
                {
                    ["name"] = routerName,
                    ["external_gateway_info"] = new JsonObject { ["network_id"] = external.Id },
                }, tag, cancellationToken).ConfigureAwait(false);
            }
            var attached = await neutron.ListAsync("ports", new Dictionary<string, string>
            {
                ["device_id"] = router.Id,
                ["network_id"] = network.Id,
            }, cancellationToken).ConfigureAwait(false);
            if (attached.Length == 0)
            {
                await neutron.AddRouterInterfaceAsync(router.Id, subnet.Id, cancellationToken).ConfigureAwait(false);
            }
            routerId = router.Id;
        }
        return new NetworkInfo(network.Id, network.Name, subnet.Id, IPNetwork.Parse(subnet.Text("cidr")!), mtu, routerId);
    }

    /// <summary>The existing network and subnet the settings name (`network:`), without changing anything.</summary>
    internal async Task<NetworkInfo> FindExistingNetworkAsync(CancellationToken cancellationToken)
    {
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        return await ExistingNetworkAsync(neutron, _settings.Network!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The name of the external network floating IPs come from, or null when there is none and none is required.</summary>
    internal async Task<string?> FindExternalNetworkAsync(bool required, CancellationToken cancellationToken)
    {
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        return (await ExternalNetworkAsync(neutron, required, cancellationToken).ConfigureAwait(false))?.Name;
    }

    private async Task<NetworkInfo> ExistingNetworkAsync(NeutronClient neutron, string name, CancellationToken cancellationToken)
    {
        var network = await neutron.FindAsync("networks", name, null, cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(_site, $"the network '{name}' does not exist or is not visible to the project",
                "set `network:` to a network listed by `openstack network list`, or remove it to let GridSpan create one");
        NeutronResource? subnet;
        if (_settings.SubnetName is { } subnetName)
        {
            subnet = await neutron.FindAsync("subnets", subnetName, new Dictionary<string, string> { ["network_id"] = network.Id }, cancellationToken).ConfigureAwait(false)
                ?? throw GridSpanException.Provider(_site, $"the network '{name}' has no subnet '{subnetName}'",
                    "set `subnet:` to one of the network's subnets, or remove it to use its only IPv4 subnet");
        }
        else
        {
            var subnets = await neutron.ListAsync("subnets", new Dictionary<string, string> { ["network_id"] = network.Id, ["ip_version"] = "4" }, cancellationToken).ConfigureAwait(false);
            subnet = subnets.Length == 1 ? subnets[0] : throw GridSpanException.Provider(_site,
                $"the network '{name}' has {subnets.Length} IPv4 subnets ({string.Join(", ", subnets.Select(s => $"{s.Name} {s.Text("cidr")}"))})",
                "set `subnet:` to the one GridSpan should use");
        }
        var mtu = network.Json.TryGetProperty("mtu", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 1500;
        return new NetworkInfo(network.Id, network.Name, subnet.Id, IPNetwork.Parse(subnet.Text("cidr")!), mtu, null);
    }

    /// <summary>The external network named in the settings, or the cloud's only one; null when there is none and none is required.</summary>
    private async Task<NeutronResource?> ExternalNetworkAsync(NeutronClient neutron, bool required, CancellationToken cancellationToken)
    {
        await _cacheLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_externalNetworkResolved)
            {
                var external = new Dictionary<string, string> { ["router:external"] = "true" };
                if (_settings.ExternalNetwork is { } name)
                {
                    _externalNetwork = await neutron.FindAsync("networks", name, external, cancellationToken).ConfigureAwait(false)
                        ?? throw GridSpanException.Provider(_site, $"the external network '{name}' does not exist",
                            "set `externalNetwork:` to a network listed by `openstack network list --external`");
                }
                else
                {
                    var all = await neutron.ListAsync("networks", external, cancellationToken).ConfigureAwait(false);
                    if (all.Length > 1)
                    {
                        throw GridSpanException.Provider(_site,
                            $"the cloud has {all.Length} external networks ({string.Join(", ", all.Select(n => n.Name))}) and the site does not say which to use",
                            "set `externalNetwork:` to one of them");
                    }
                    _externalNetwork = all.FirstOrDefault();
                }
                _externalNetworkResolved = true;
            }
        }
        finally
        {
            _cacheLock.Release();
        }
        if (_externalNetwork is null && required)
        {
            throw GridSpanException.Provider(_site, "the cloud has no external network, so it cannot give floating IPs",
                "ask the cloud's operators which network provides public addresses and set `externalNetwork:`");
        }
        return _externalNetwork;
    }

    public async Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        var tag = ClusterTag.For(request.ClusterId);
        var group = (await neutron.ListTaggedAsync("security-groups", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Name == request.Name);
        if (group is null)
        {
            group = await neutron.CreateAsync("security-groups", new JsonObject
            {
                ["name"] = request.Name,
                ["description"] = $"GridSpan cluster {request.ClusterId}",
            }, tag, cancellationToken).ConfigureAwait(false);
        }
        var existing = group.Json.TryGetProperty("security_group_rules", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(RuleKey).ToHashSet(StringComparer.Ordinal)
            : [];
        var rules = request.Rules.Select(rule => RuleBody(group.Id, rule)).Where(body => !existing.Contains(RuleKey(body))).ToList();
        await neutron.CreateSecurityGroupRulesAsync(rules, cancellationToken).ConfigureAwait(false);
        return new SecurityGroupInfo(group.Id, group.Name);
    }

    private static JsonObject RuleBody(string groupId, SecurityRule rule)
    {
        var body = new JsonObject
        {
            ["security_group_id"] = groupId,
            ["direction"] = "ingress",
            ["ethertype"] = rule.Source.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4",
            ["remote_ip_prefix"] = rule.Source.ToString(),
            ["protocol"] = rule.Protocol switch
            {
                IpProtocol.Tcp => "tcp",
                IpProtocol.Udp => "udp",
                IpProtocol.Icmp => "icmp",
                _ => null,
            },
        };
        if (rule.Protocol is IpProtocol.Tcp or IpProtocol.Udp)
        {
            body["port_range_min"] = rule.PortMin;
            body["port_range_max"] = rule.PortMax;
        }
        return body;
    }

    private static string RuleKey(JsonObject body) => RuleKey(JsonSerializer.SerializeToElement(body));

    private static string RuleKey(JsonElement rule)
    {
        string Field(string name) => rule.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";
        return string.Join("|", Field("direction"), Field("ethertype"), Field("protocol"), Field("port_range_min"), Field("port_range_max"), Field("remote_ip_prefix"));
    }

    public async Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nova = (await _session.Value.ConfigureAwait(false)).Nova;
        var prefix = KeyPairPrefix(request.ClusterId);
        var name = request.Name.StartsWith(prefix, StringComparison.Ordinal) ? request.Name : prefix + request.Name;
        if (await nova.GetKeyPairAsync(name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            if (SameKey(existing.PublicKey, request.PublicKey))
            {
                return new KeyPairInfo(name, name);
            }
            throw GridSpanException.Provider(_site, $"a different key pair named '{name}' exists already",
                $"delete it (`openstack keypair delete {name}`) if it is left over from an earlier cluster with this id");
        }
        await nova.ImportKeyPairAsync(name, request.PublicKey.Trim(), cancellationToken).ConfigureAwait(false);
        return new KeyPairInfo(name, name);
    }

    private static bool SameKey(string a, string b)
    {
        static string Body(string key) => string.Join(' ', key.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
        return Body(a) == Body(b);
    }

    public async Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        var tag = ClusterTag.For(request.ClusterId);
        var existing = (await neutron.ListAsync("ports", new Dictionary<string, string> { ["tags"] = tag, ["name"] = request.Name, ["network_id"] = request.NetworkId }, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();
        if (existing is not null)
        {
            return ToPortInfo(existing);
        }
        var groups = new JsonArray([.. request.SecurityGroupIds.Concat(await ExtraSecurityGroupsAsync(neutron, cancellationToken).ConfigureAwait(false))
            .Distinct(StringComparer.Ordinal).Select(id => (JsonNode)JsonValue.Create(id))]);
        var fields = new JsonObject
        {
            ["name"] = request.Name,
            ["network_id"] = request.NetworkId,
            ["security_groups"] = groups,
            ["allowed_address_pairs"] = Pairs(request.AllowedAddressPairs),
            ["description"] = $"GridSpan cluster {request.ClusterId}",
        };
        if (request.FixedAddress is { } address)
        {
            fields["fixed_ips"] = new JsonArray(new JsonObject { ["ip_address"] = address.ToString() });
        }
        return ToPortInfo(await neutron.CreateAsync("ports", fields, tag, cancellationToken).ConfigureAwait(false));
    }

    private async Task<ImmutableArray<string>> ExtraSecurityGroupsAsync(NeutronClient neutron, CancellationToken cancellationToken)
    {
        if (_extraSecurityGroups is { } cached)
        {
            return cached;
        }
        var ids = ImmutableArray.CreateBuilder<string>();
        foreach (var name in _settings.SecurityGroups)
        {
            var group = await neutron.FindAsync("security-groups", name, null, cancellationToken).ConfigureAwait(false)
                ?? throw GridSpanException.Provider(_site, $"the security group '{name}' does not exist",
                    "create it, or remove it from `securityGroups:`");
            ids.Add(group.Id);
        }
        _extraSecurityGroups = ids.ToImmutable();
        return _extraSecurityGroups.Value;
    }

    private static JsonArray Pairs(ImmutableArray<IPNetwork> pairs) =>
        new([.. (pairs.IsDefault ? [] : pairs).Select(p => (JsonNode)new JsonObject { ["ip_address"] = p.ToString() })]);

    public async Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        return ToPortInfo(await neutron.UpdateAsync("ports", portId, new JsonObject { ["allowed_address_pairs"] = Pairs(allowed) }, cancellationToken).ConfigureAwait(false));
    }

    private static PortInfo ToPortInfo(NeutronResource port)
    {
        var address = port.Json.GetProperty("fixed_ips").EnumerateArray()
            .Select(f => IPAddress.Parse(f.GetProperty("ip_address").GetString()!))
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .First();
        var pairs = port.Json.TryGetProperty("allowed_address_pairs", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => ParseNetwork(x.GetProperty("ip_address").GetString()!)).ToImmutableArray()
            : [];
        return new PortInfo(port.Id, port.Name, address, port.Text("mac_address"), pairs);
    }

    private static IPNetwork ParseNetwork(string text) =>
        text.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(text) : new IPNetwork(IPAddress.Parse(text), IPAddress.Parse(text).AddressFamily == AddressFamily.InterNetwork ? 32 : 128);

    public async Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = await _session.Value.ConfigureAwait(false);
        var tag = ClusterTag.For(request.ClusterId);
        var existing = (await session.Nova.ListServersAsync(tag, cancellationToken, request.Name).ConfigureAwait(false))
            .FirstOrDefault(s => s.Name == request.Name && s.Status != "ERROR");
        if (existing is not null)
        {
            return ToServerInfo(existing);
        }
        var image = await ResolveImageAsync(session, request.Image, cancellationToken).ConfigureAwait(false);
        var flavor = await ResolveFlavorAsync(session, request.Flavor, cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, string>(request.Metadata ?? ImmutableSortedDictionary<string, string>.Empty, StringComparer.Ordinal)
        {
            ["gridspan-cluster"] = request.ClusterId,
        };
        var id = await session.Nova.CreateServerAsync(new NovaServerCreate(
            request.Name, image.Id, flavor.Id, request.PortId, request.KeyPairName, request.UserData, metadata,
            [tag], _settings.AvailabilityZone, _settings.BootVolumeSize), cancellationToken).ConfigureAwait(false);
        return await GetServerAsync(id, cancellationToken).ConfigureAwait(false)
            ?? new ServerInfo(id, request.Name, ServerStatus.Building, [], [], null);
    }

    /// <summary>The image an image setting names in this site (by id, name or /regex/).</summary>
    public async Task<GlanceImage> ResolveImageAsync(string wanted, CancellationToken cancellationToken) =>
        await ResolveImageAsync(await _session.Value.ConfigureAwait(false), wanted, cancellationToken).ConfigureAwait(false);

    /// <summary>The flavor a flavor setting names in this site (by id, name or minimums).</summary>
    public async Task<NovaFlavor> ResolveFlavorAsync(string wanted, CancellationToken cancellationToken) =>
        await ResolveFlavorAsync(await _session.Value.ConfigureAwait(false), wanted, cancellationToken).ConfigureAwait(false);

    private async Task<GlanceImage> ResolveImageAsync(OpenStackSession session, string wanted, CancellationToken cancellationToken)
    {
        var images = _images ??= await session.Glance.ListActiveImagesAsync(cancellationToken).ConfigureAwait(false);
        return ImageSelector.Select(images, wanted) ?? throw GridSpanException.Provider(_site,
            $"no active image matches '{wanted}' ({ImageSelector.Sample(images)})",
            "set the image to one of those names, or to a /regular expression/ that matches one");
    }

    private async Task<NovaFlavor> ResolveFlavorAsync(OpenStackSession session, string wanted, CancellationToken cancellationToken)
    {
        var flavors = _flavors ??= await session.Nova.ListFlavorsAsync(cancellationToken).ConfigureAwait(false);
        return FlavorSelector.Select(flavors, wanted) ?? throw GridSpanException.Provider(_site,
            $"no flavor matches '{wanted}' ({FlavorSelector.Sample(flavors)})",
            "set the flavor to one of those names, or to minimums such as 'cpus>=2 ram>=4GiB'");
    }

    public async Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken)
    {
        var nova = (await _session.Value.ConfigureAwait(false)).Nova;
        return await nova.GetServerAsync(serverId, cancellationToken).ConfigureAwait(false) is { } server ? ToServerInfo(server) : null;
    }

    private static ServerInfo ToServerInfo(NovaServer server) => new(
        server.Id,
        server.Name,
        server.Status switch
        {
            "ACTIVE" => ServerStatus.Active,
            "ERROR" => ServerStatus.Error,
            _ => ServerStatus.Building,
        },
        server.Addresses,
        [],
        server.Fault);

    public async Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        var tag = ClusterTag.For(request.ClusterId);
        var existing = (await neutron.ListAsync("floatingips", new Dictionary<string, string> { ["tags"] = tag, ["port_id"] = request.PortId }, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();
        if (existing is null)
        {
            var external = (await ExternalNetworkAsync(neutron, required: true, cancellationToken).ConfigureAwait(false))!;
            existing = await neutron.CreateAsync("floatingips", new JsonObject
            {
                ["floating_network_id"] = external.Id,
                ["port_id"] = request.PortId,
                ["description"] = $"{request.Name} (GridSpan cluster {request.ClusterId})",
            }, tag, cancellationToken).ConfigureAwait(false);
        }
        return new FloatingIpInfo(existing.Id, IPAddress.Parse(existing.Text("floating_ip_address")!), existing.Text("port_id") ?? request.PortId);
    }

    public async Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var session = await _session.Value.ConfigureAwait(false);
        var tag = ClusterTag.For(clusterId);
        async Task<IEnumerable<CloudResource>> Tagged(string collection, ResourceKind kind) =>
            (await session.Neutron.ListTaggedAsync(collection, tag, cancellationToken).ConfigureAwait(false))
                .Select(r => new CloudResource(kind, r.Id, kind == ResourceKind.FloatingIp ? r.Text("floating_ip_address") ?? r.Name : r.Name, clusterId));
        async Task<IEnumerable<CloudResource>> Servers() =>
            (await session.Nova.ListServersAsync(tag, cancellationToken).ConfigureAwait(false))
                .Select(s => new CloudResource(ResourceKind.Server, s.Id, s.Name, clusterId));
        async Task<IEnumerable<CloudResource>> KeyPairs() =>
            (await session.Nova.ListKeyPairNamesAsync(cancellationToken).ConfigureAwait(false))
                .Where(n => n.StartsWith(KeyPairPrefix(clusterId), StringComparison.Ordinal))
                .Select(n => new CloudResource(ResourceKind.KeyPair, n, n, clusterId));
        var all = await Task.WhenAll(
            Tagged("floatingips", ResourceKind.FloatingIp),
            Servers(),
            Tagged("ports", ResourceKind.Port),
            Tagged("routers", ResourceKind.Router),
            Tagged("subnets", ResourceKind.Subnet),
            Tagged("networks", ResourceKind.Network),
            Tagged("security-groups", ResourceKind.SecurityGroup),
            KeyPairs()).ConfigureAwait(false);
        return [.. all.SelectMany(r => r).OrderBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    public async Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var session = await _session.Value.ConfigureAwait(false);
        var neutron = session.Neutron;
        switch (resource.Kind)
        {
            case ResourceKind.FloatingIp:
                await neutron.DeleteResourceAsync("floatingips", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Server:
                await DeleteServerAsync(session.Nova, resource, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Port:
                await neutron.DeleteResourceAsync("ports", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Router:
                var interfaces = await neutron.ListAsync("ports", new Dictionary<string, string>
                {
                    ["device_id"] = resource.Id,
                    ["device_owner"] = "network:router_interface",
                }, cancellationToken).ConfigureAwait(false);
                foreach (var port in interfaces)
                {
                    await neutron.RemoveRouterInterfaceAsync(resource.Id, port.Id, cancellationToken).ConfigureAwait(false);
                }
                await neutron.DeleteResourceAsync("routers", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Subnet:
                await neutron.DeleteResourceAsync("subnets", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Network:
                await neutron.DeleteResourceAsync("networks", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.SecurityGroup:
                await neutron.DeleteResourceAsync("security-groups", resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.KeyPair:
                await session.Nova.DeleteKeyPairAsync(resource.Id, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(resource), resource.Kind, "unknown resource kind");
        }
    }

    /// <summary>Deletes a server and waits until Nova no longer lists it, so its port and network can go next.</summary>
    private async Task DeleteServerAsync(NovaClient nova, CloudResource resource, CancellationToken cancellationToken)
    {
        if (!await nova.DeleteServerAsync(resource.Id, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var deadline = DateTimeOffset.UtcNow + ServerDeleteTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (await nova.GetServerAsync(resource.Id, cancellationToken).ConfigureAwait(false) is { } server)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw GridSpanException.Provider(_site,
                    $"server '{resource.Name}' ({resource.Id}) is still {server.Status} {ServerDeleteTimeout.TotalMinutes:0} minutes after it was deleted"
                    + (server.Fault is null ? "" : $": {server.Fault}"),
                    "ask the cloud's operators to look at the server; run terminate again later");
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 2000));
        }
    }

    /// <summary>
    /// A clouds.yaml for the master (/etc/gridspan/openstack/&lt;entry&gt;.yaml) with an application
    /// credential of this site's project, named after the cluster: the one issued before while Keystone
    /// still has it (the same text), else a new one. Sites of one entry share the file and the credential.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> MasterCredentialsAsync(
        string clusterId, IReadOnlyDictionary<string, string> issuedBefore, CancellationToken cancellationToken)
    {
        var session = await _session.Value.ConfigureAwait(false);
        var (path, content) = await _masterCredentials.IssueAsync(session, clusterId, issuedBefore, cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, string>(StringComparer.Ordinal) { [path] = content };
    }

    /// <summary>Deletes the cluster's application credential of this site's entry; none is fine.</summary>
    public async Task RevokeMasterCredentialsAsync(string clusterId, CancellationToken cancellationToken)
    {
        var session = await _session.Value.ConfigureAwait(false);
        await _masterCredentials.RevokeAsync(session, clusterId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_session.IsValueCreated && _session.Value.IsCompletedSuccessfully)
        {
            (await _session.Value.ConfigureAwait(false)).Dispose();
        }
        _cacheLock.Dispose();
    }
}
