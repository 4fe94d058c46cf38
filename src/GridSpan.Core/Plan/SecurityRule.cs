using System.Net;

namespace GridSpan.Plan;

public enum IpProtocol
{
    Tcp,
    Udp,
    Icmp,
    Any,
}

/// <summary>Allows inbound traffic of a protocol and port range from a source range. Ports are ignored for ICMP and Any.</summary>
public sealed record SecurityRule(IpProtocol Protocol, int PortMin, int PortMax, IPNetwork Source);
