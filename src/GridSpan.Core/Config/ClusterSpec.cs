using System.Collections.Immutable;

namespace GridSpan.Config;

/// <summary>A validated cluster.yaml. Built only by the loader; every value here has passed validation.</summary>
public sealed record ClusterSpec(
    string Name,
    SshSpec Ssh,
    ImmutableArray<SiteSpec> Sites,
    OverlaySpec Overlay,
    StorageSpec Storage,
    SlurmSpec Slurm)
{
    /// <summary>The first site hosts the master.</summary>
    public SiteSpec MasterSite => Sites[0];
}

/// <param name="User">The cluster's user for jobs and passwordless SSH between nodes (GridSpan itself logs in as root or its own account).</param>
/// <param name="PublicKeys">Contents of the user's public keys (one OpenSSH line each), authorised on every node.</param>
/// <param name="Sudo">Whether the cluster user gets passwordless sudo on every node; never set for root.</param>
public sealed record SshSpec(string User, ImmutableArray<string> PublicKeys, bool Sudo = false);

/// <param name="Provider">The provider's name (local, openstack, ...).</param>
/// <param name="Settings">The provider's own section, validated by that provider.</param>
/// <param name="Master">Set on the first site only.</param>
/// <param name="Gateway">Set on every site but the first, except the switch's site.</param>
/// <param name="Switch">Set on the one site that holds the vxlan overlay's switch, and then nothing else is.</param>
public sealed record SiteSpec(
    string Name,
    string Provider,
    ProviderSiteSettings Settings,
    MasterSpec? Master,
    GatewaySpec? Gateway,
    ImmutableArray<WorkerGroupSpec> Workers,
    SwitchSpec? Switch = null)
{
    /// <summary>Every node the site may hold at once, on-demand ones included, as (flavor, image): what its quotas must fit.</summary>
    public IEnumerable<(string Flavor, string Image)> NodesAtMost()
    {
        if (Master is { } master)
        {
            yield return (master.Flavor, master.Image);
        }
        if (Gateway is { } gateway)
        {
            yield return (gateway.Flavor, gateway.Image);
        }
        if (Switch is { } switchNode)
        {
            yield return (switchNode.Flavor, switchNode.Image);
        }
        foreach (var group in Workers)
        {
            for (var i = 0; i < group.Count + group.OnDemand; i++)
            {
                yield return (group.Flavor, group.Image);
            }
        }
    }

    /// <summary>How many of the site's nodes get a public address: the master, the gateway and the switch.</summary>
    public int PublicAddresses => (Master is null ? 0 : 1) + (Gateway is null ? 0 : 1) + (Switch is null ? 0 : 1);
}

/// <param name="Compute">When true the master also runs jobs (slurmd).</param>
public sealed record MasterSpec(string Flavor, string Image, bool Compute);

public sealed record GatewaySpec(string Flavor, string Image);

/// <summary>The vxlan overlay's software switch: a Linux bridge with one VXLAN port per node.</summary>
public sealed record SwitchSpec(string Flavor, string Image);

/// <param name="Count">Always-on nodes.</param>
/// <param name="OnDemand">Nodes Slurm may start when jobs wait and deletes when idle.</param>
public sealed record WorkerGroupSpec(
    string Name,
    string Flavor,
    string Image,
    int Count,
    int OnDemand,
    ImmutableArray<string> Features);

public enum OverlayKind
{
    WireGuard,
    Ipsec,
    Vxlan,
}

/// <param name="Cidr">WireGuard: the master's and gateways' tunnel addresses. VXLAN: every node's address on the switched segment.</param>
/// <param name="TunnelCidr">VXLAN only: the addresses of the WireGuard tunnel between sites that the VXLAN tunnels ride on.</param>
public sealed record OverlaySpec(OverlayKind Kind, System.Net.IPNetwork Cidr, System.Net.IPNetwork? TunnelCidr = null)
{
    /// <summary>The range of the WireGuard mesh between the sites' VPN nodes.</summary>
    public System.Net.IPNetwork MeshCidr => Kind == OverlayKind.Vxlan
        ? TunnelCidr ?? throw new InvalidOperationException("a vxlan overlay without a tunnel range passed validation")
        : Cidr;
}

/// <param name="Shares">Absolute paths exported by the master and mounted on every node.</param>
public sealed record StorageSpec(ImmutableArray<string> Shares);

/// <param name="SuspendTime">Seconds an on-demand node idles before Slurm deletes it.</param>
/// <param name="ResumeTimeout">Seconds Slurm waits for an on-demand node to come up.</param>
public sealed record SlurmSpec(int SuspendTime, int ResumeTimeout);
