using System.Collections.Immutable;

namespace GridSpan.Configure;

/// <summary>
/// How to reach one node over SSH. The same record serves containers and cloud VMs: an address,
/// a user, a port, the node that relays to it (for nodes without a public address) and the host
/// keys it must present.
/// </summary>
/// <param name="NodeName">The node's name; also the name its host keys are pinned under.</param>
/// <param name="Address">The address the client (or the jump host) connects to.</param>
/// <param name="Jump">The node to connect through (the master for private nodes), or null for a direct connection.</param>
public sealed record SshTarget(
    string NodeName,
    string Address,
    string User,
    int Port,
    SshTarget? Jump,
    ImmutableArray<SshHostKey> HostKeys)
{
    public static SshTarget Direct(string nodeName, string address, IEnumerable<string> hostKeys, string user = "root", int port = 22) =>
        new(nodeName, address, user, port, null, [.. hostKeys.Select(key => SshHostKey.Parse(key, nodeName))]);

    public SshTarget Via(SshTarget jump) => this with { Jump = jump };

    /// <summary>This target and the hosts it is reached through, nearest first.</summary>
    public IEnumerable<SshTarget> WithJumps()
    {
        for (var target = this; target is not null; target = target.Jump)
        {
            yield return target;
        }
    }
}
