using System.Net;

namespace GridSpan.Plan;

/// <summary>An A record served by dnsmasq on the master: the node's fully qualified and short name.</summary>
public sealed record DnsRecord(string Fqdn, string Name, IPAddress Address);
