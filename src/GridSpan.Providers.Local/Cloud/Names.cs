namespace GridSpan.Providers.Local.Cloud;

/// <summary>
/// Names of what the local cloud creates on the machine. Interface names stay within the kernel's
/// 15 characters; every global name starts with the cloud's prefix so `down` finds only its own.
/// </summary>
public sealed class Names(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>The namespace holding the site bridges, the public bridge and the API.</summary>
    public string World => $"{Prefix}-world";

    public string Router(string networkId) => $"{Prefix}-r-{networkId}";

    public string Node(string serverId) => $"{Prefix}-n-{serverId}";

    /// <summary>True for a namespace name this cloud creates: its world, a router, a node, or the preflight probe.</summary>
    public bool IsOwnNamespace(string name) =>
        name == World || name == $"{Prefix}-probe"
        || System.Text.RegularExpressions.Regex.IsMatch(name, $"^{System.Text.RegularExpressions.Regex.Escape(Prefix)}-[rn]-[0-9a-f]{{8}}$");

    public static string NetnsPath(string name) => $"/run/netns/{name}";

    public const string PublicBridge = "public";

    public static string SiteBridge(string networkId) => $"s{networkId}";

    /// <summary>The router's site leg, seen from the world namespace.</summary>
    public static string RouterSiteLeg(string networkId) => $"rs{networkId}";

    /// <summary>The router's public leg, seen from the world namespace.</summary>
    public static string RouterPublicLeg(string networkId) => $"rp{networkId}";

    /// <summary>A server's port, seen from the world namespace (the bridge side of its veth).</summary>
    public static string PortLeg(string portId) => $"p{portId}";

    /// <summary>The cgroup (same relative path in every hierarchy) of a node.</summary>
    public string NodeCgroup(string serverId) => $"gridspan-{Prefix}/{serverId}";

    public string CgroupParent => $"gridspan-{Prefix}";

    public static string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
}
