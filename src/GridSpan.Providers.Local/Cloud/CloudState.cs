namespace GridSpan.Providers.Local.Cloud;

/// <summary>
/// The local cloud's whole state: one JSON document, read and written under <see cref="StateStore"/>'s
/// lock. Records are immutable; the document's lists change only inside a locked update.
/// </summary>
public sealed class CloudState
{
    public int Version { get; set; } = 1;
    public List<NetworkRecord> Networks { get; set; } = [];
    public List<SecurityGroupRecord> SecurityGroups { get; set; } = [];
    public List<KeyPairRecord> KeyPairs { get; set; } = [];
    public List<PortRecord> Ports { get; set; } = [];
    public List<ServerRecord> Servers { get; set; } = [];
    public List<FloatingIpRecord> FloatingIps { get; set; } = [];
    public QuotaRecord Quota { get; set; } = new(null, null);
    public ApiRecord? Api { get; set; }
}

/// <param name="RouterAddress">The router's own address on the public segment.</param>
public sealed record NetworkRecord(string Id, string Name, string ClusterId, string Cidr, int Mtu, string RouterAddress);

public sealed record RuleRecord(string Protocol, int PortMin, int PortMax, string Source);

public sealed record SecurityGroupRecord(string Id, string Name, string ClusterId, List<RuleRecord> Rules);

public sealed record KeyPairRecord(string Id, string Name, string ClusterId, string PublicKey);

/// <param name="ServerId">The server the port is attached to, or null.</param>
public sealed record PortRecord(
    string Id, string Name, string ClusterId, string NetworkId, string Address, string Mac,
    List<string> SecurityGroupIds, List<string> AllowedAddressPairs, string? ServerId);

/// <param name="Pid">The systemd-nspawn process, once started.</param>
/// <param name="StartTicks">The process's start time (field 22 of /proc/PID/stat), so a reused PID is never taken for it.</param>
public sealed record ServerRecord(
    string Id, string Name, string ClusterId, string NetworkId, string PortId, string Image, string ImagePath,
    string Flavor, string Status, string? Fault, int? Pid, long? StartTicks, List<string> HostKeys,
    SortedDictionary<string, string> Metadata, DateTimeOffset CreatedAt);

public sealed record FloatingIpRecord(string Id, string Name, string ClusterId, string Address, string PortId);

/// <param name="MaxServersPerCluster">Null means no limit.</param>
/// <param name="MaxServersPerNetwork">Null means no limit.</param>
public sealed record QuotaRecord(int? MaxServersPerCluster, int? MaxServersPerNetwork);

public sealed record ApiRecord(int Pid, long StartTicks, string Address, int Port);

public static class ServerStatusText
{
    public const string Building = "building";
    public const string Active = "active";
    public const string Error = "error";
}
