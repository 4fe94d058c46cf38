using System.Collections.Immutable;
using System.Net;

namespace GridSpan.Provision;

/// <summary>A node's server as provisioning left it: active, with its addresses and host keys.</summary>
/// <param name="PublicAddress">The floating address of a master or gateway, null for workers.</param>
public sealed record ProvisionedNode(
    string NodeName,
    string Site,
    string ServerId,
    IPAddress Address,
    IPAddress? PublicAddress,
    ImmutableArray<string> HostKeys);

/// <summary>The outcome of provisioning: every static node, and how many resources were created (0: nothing changed).</summary>
public sealed record ProvisionResult(ImmutableArray<ProvisionedNode> Nodes, int Created);
