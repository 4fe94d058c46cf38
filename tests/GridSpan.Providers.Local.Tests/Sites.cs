using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;

namespace GridSpan.Providers.Local.Tests;

/// <summary>Helpers that build sites and servers through the provider interface, as GridSpan does.</summary>
internal sealed class Sites(LocalTestCloud test, string clusterId)
{
    private static readonly CancellationToken None = CancellationToken.None;

    public LocalSiteProvider Provider { get; } = new(test.Cloud, "test-site");

    public string ClusterId { get; } = clusterId;

    private string? _keyPair;

    public Task<NetworkInfo> NetworkAsync(string name, string cidr, int mtu) =>
        Provider.CreateNetworkAsync(new NetworkRequest(name, ClusterId, IPNetwork.Parse(cidr), mtu), None);

    public Task<SecurityGroupInfo> GroupAsync(string name, params SecurityRule[] rules) =>
        Provider.CreateSecurityGroupAsync(new SecurityGroupRequest(name, ClusterId, [.. rules]), None);

    public static SecurityRule Tcp(int port, string source = "0.0.0.0/0") => new(IpProtocol.Tcp, port, port, IPNetwork.Parse(source));

    public static SecurityRule Udp(int port, string source = "0.0.0.0/0") => new(IpProtocol.Udp, port, port, IPNetwork.Parse(source));

    public static SecurityRule Icmp(string source) => new(IpProtocol.Icmp, 0, 0, IPNetwork.Parse(source));

    /// <summary>Creates a port and a server on it and starts it (does not wait).</summary>
    public async Task<Node> StartAsync(string name, NetworkInfo network, SecurityGroupInfo group, string? userData = null)
    {
        _keyPair ??= (await Provider.CreateKeyPairAsync(new KeyPairRequest("test-key", ClusterId, test.PublicKey), None)).Name;
        var port = await Provider.CreatePortAsync(new PortRequest(name, ClusterId, network.Id, null, [group.Id], []), None);
        var server = await Provider.CreateServerAsync(new ServerRequest(name, ClusterId, "debian-12", "tiny", port.Id, _keyPair, userData,
            ImmutableSortedDictionary<string, string>.Empty), None);
        return new Node(server.Id, name, port, network);
    }

    public async Task<Node> BootAsync(string name, NetworkInfo network, SecurityGroupInfo group, string? userData = null)
    {
        var node = await StartAsync(name, network, group, userData);
        await test.Cloud.WaitActiveAsync(node.ServerId, TimeSpan.FromSeconds(60), None);
        return node;
    }

    public async Task<IPAddress> FloatingAsync(Node node) =>
        (await Provider.CreateFloatingIpAsync(new FloatingIpRequest(node.Name + "-fip", ClusterId, node.Port.Id), None)).Address;

    /// <summary>Runs a shell script in the node; returns its result.</summary>
    public Task<CommandResult> RunAsync(Node node, string script) => test.Cloud.ExecAsync(node.ServerId, script, None);

    public async Task<string> RunCheckedAsync(Node node, string script) => (await RunAsync(node, script)).EnsureSuccess().StandardOutput.Trim();

    public async Task<bool> PingsAsync(Node from, IPAddress to, string? source = null) =>
        (await RunAsync(from, $"ping -c 1 -W 1 {(source is null ? "" : "-I " + source + " ")}{to}")).Succeeded;
}

internal sealed record Node(string ServerId, string Name, PortInfo Port, NetworkInfo Network)
{
    public IPAddress Address => Port.Address;
}
