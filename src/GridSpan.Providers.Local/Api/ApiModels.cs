namespace GridSpan.Providers.Local.Api;

/// <summary>Bodies of the local cloud's HTTP API (JSON, camelCase). Every field is checked by the server, not trusted.</summary>
public sealed record CreateServerBody(
    string? Name, string? ClusterId, string? Image, string? Flavor, string? PortId, string? KeyPairName, string? UserData,
    Dictionary<string, string>? Metadata);

public sealed record CreatePortBody(
    string? Name, string? ClusterId, string? NetworkId, string? FixedAddress, List<string>? SecurityGroupIds, List<string>? AllowedAddressPairs);

public sealed record AllowedAddressPairsBody(List<string>? AllowedAddressPairs);

public sealed record ErrorBody(string Error, string? Fix);
