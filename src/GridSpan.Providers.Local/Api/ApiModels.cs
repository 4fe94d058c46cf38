using GridSpan.Provision;

namespace GridSpan.Providers.Local.Api;

/// <summary>Bodies of the local cloud's HTTP API (JSON, camelCase). Every field is checked by the server, not trusted.</summary>
public sealed record CreateNetworkBody(string? Name, string? ClusterId, string? Cidr, int? Mtu);

public sealed record RuleBody(string? Protocol, int? PortMin, int? PortMax, string? Source);

public sealed record CreateSecurityGroupBody(string? Name, string? ClusterId, List<RuleBody>? Rules);

public sealed record SecurityGroupRulesBody(List<RuleBody>? Rules);

public sealed record CreateKeyPairBody(string? Name, string? ClusterId, string? PublicKey);

public sealed record CreatePortBody(
    string? Name, string? ClusterId, string? NetworkId, string? FixedAddress, List<string>? SecurityGroupIds, List<string>? AllowedAddressPairs);

public sealed record AllowedAddressPairsBody(List<string>? AllowedAddressPairs);

public sealed record CreateServerBody(
    string? Name, string? ClusterId, string? Image, string? Flavor, string? PortId, string? KeyPairName, string? UserData,
    Dictionary<string, string>? Metadata);

public sealed record CreateFloatingIpBody(string? Name, string? ClusterId, string? PortId);

public sealed record ErrorBody(string Error, string? Fix);

// What the API answers: the provider contract's records with addresses as text.

public sealed record NetworkView(string Id, string Name, string Cidr, int Mtu);

public sealed record NamedView(string Id, string Name);

public sealed record PortView(string Id, string Name, string Address, string? MacAddress, List<string> AllowedAddressPairs);

public sealed record ServerView(string Id, string Name, ServerStatus Status, List<string> Addresses, List<string> HostKeys, string? Fault);

public sealed record FloatingIpView(string Id, string Address, string PortId);

public sealed record ResourceView(ResourceKind Kind, string Id, string Name, string ClusterId);
