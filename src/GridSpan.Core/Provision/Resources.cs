using System.Collections.Immutable;
using System.Net;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>Kinds of cloud resources, in the order they must be deleted (servers before ports, ...).</summary>
public enum ResourceKind
{
    FloatingIp,
    Server,
    Port,
    Router,
    Subnet,
    Network,
    SecurityGroup,
    KeyPair,
}

/// <summary>A resource found in a cloud by its cluster tag.</summary>
public sealed record CloudResource(ResourceKind Kind, string Id, string Name, string ClusterId);

/// <summary>The tag that marks a resource as belonging to a cluster.</summary>
public static class ClusterTag
{
    public const string Prefix = "gridspan:";

    public static string For(string clusterId) => Prefix + clusterId;

    /// <summary>The cluster id of a tag, or null when the tag is not a GridSpan cluster tag.</summary>
    public static string? ClusterIdOf(string tag) =>
        tag.StartsWith(Prefix, StringComparison.Ordinal) ? tag[Prefix.Length..] : null;
}

/// <summary>A site's network with its subnet, and a router joining it to the public network.</summary>
public sealed record NetworkRequest(string Name, string ClusterId, IPNetwork Cidr, int Mtu);

public sealed record NetworkInfo(string Id, string Name, string SubnetId, IPNetwork Cidr, int Mtu, string? RouterId);

public sealed record SecurityGroupRequest(string Name, string ClusterId, ImmutableArray<SecurityRule> Rules);

public sealed record SecurityGroupInfo(string Id, string Name);

/// <param name="PublicKey">One OpenSSH public key line.</param>
public sealed record KeyPairRequest(string Name, string ClusterId, string PublicKey);

public sealed record KeyPairInfo(string Id, string Name);

/// <param name="FixedAddress">The port's address in the subnet, or null to let the cloud choose.</param>
/// <param name="AllowedAddressPairs">Ranges the port may send from besides its own address (gateways, VPN nodes).</param>
public sealed record PortRequest(
    string Name,
    string ClusterId,
    string NetworkId,
    IPAddress? FixedAddress,
    ImmutableArray<string> SecurityGroupIds,
    ImmutableArray<IPNetwork> AllowedAddressPairs);

public sealed record PortInfo(string Id, string Name, IPAddress Address, string? MacAddress, ImmutableArray<IPNetwork> AllowedAddressPairs);

/// <param name="UserData">cloud-init user data applied at first boot, or null.</param>
/// <param name="Metadata">Extra key/value pairs stored with the server (node name, role).</param>
public sealed record ServerRequest(
    string Name,
    string ClusterId,
    string Image,
    string Flavor,
    string PortId,
    string KeyPairName,
    string? UserData,
    ImmutableSortedDictionary<string, string> Metadata);

public enum ServerStatus
{
    Building,
    Active,
    Error,
}

/// <param name="HostKeys">The server's SSH host public keys (OpenSSH lines) when the cloud reports them, so clients can pin them.</param>
/// <param name="Fault">Why the server is in <see cref="ServerStatus.Error"/>, in the cloud's words.</param>
public sealed record ServerInfo(
    string Id,
    string Name,
    ServerStatus Status,
    ImmutableArray<IPAddress> Addresses,
    ImmutableArray<string> HostKeys,
    string? Fault);

public sealed record FloatingIpRequest(string Name, string ClusterId, string PortId);

public sealed record FloatingIpInfo(string Id, IPAddress Address, string PortId);
