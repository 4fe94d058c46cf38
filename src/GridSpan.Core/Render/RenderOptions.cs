using GridSpan.Config;

namespace GridSpan.Render;

/// <summary>How a node's kernel reaches the shared file system.</summary>
public enum StorageTransport
{
    /// <summary>Kernel NFS: the master runs nfs-kernel-server, every other node mounts with the kernel client.</summary>
    KernelNfs,
    /// <summary>sshfs over the VPN, for nodes whose kernel has no NFS client (the local cloud's containers).</summary>
    Sshfs,
}

/// <summary>Facts about one node that change what it gets, found when the node exists (or assumed for `render`).</summary>
/// <param name="SlurmVersion">The Slurm installed on the node (major.minor); 22.05 and 23.11+ differ for cloud nodes.</param>
/// <param name="KernelWireGuard">False when the kernel has no WireGuard module: wireguard-go is installed and wg-quick uses it.</param>
/// <param name="UpstreamDns">Resolvers the master's dnsmasq forwards names outside the cluster to; none (the local cloud) answers only cluster names.</param>
public sealed record RenderOptions(
    Version SlurmVersion,
    StorageTransport Storage,
    NodeRuntime Runtime,
    bool KernelWireGuard,
    IReadOnlyList<string> UpstreamDns)
{
    /// <summary>A Debian 12 container (the local cloud's nodes): Slurm 22.05, no NFS client, no kernel WireGuard.</summary>
    public static RenderOptions DebianContainer { get; } = new(new Version(22, 5), StorageTransport.Sshfs, NodeRuntime.Container, false, []);

    /// <summary>A Debian 12 virtual machine in a cloud: Slurm 22.05, kernel NFS and WireGuard.</summary>
    public static RenderOptions DebianVm { get; } = new(new Version(22, 5), StorageTransport.KernelNfs, NodeRuntime.VirtualMachine, true, []);

    /// <summary>What a node of a site whose nodes run this way gets before it could be probed.</summary>
    public static RenderOptions Assumed(NodeRuntime runtime) => runtime == NodeRuntime.Container ? DebianContainer : DebianVm;

    /// <summary>Slurm 23.11 and later register cloud nodes' addresses themselves and show powered-down nodes without PrivateData=cloud.</summary>
    public bool IsSlurm2311OrLater => SlurmVersion >= new Version(23, 11);
}
