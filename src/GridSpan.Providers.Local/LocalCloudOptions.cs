using System.Net;

namespace GridSpan.Providers.Local;

/// <summary>
/// Where the local cloud keeps its state and how it names what it creates on this machine.
/// One machine may host several local clouds side by side (tests do) when they differ in
/// <see cref="StateDirectory"/> and <see cref="Prefix"/>; they may share <see cref="ImageDirectory"/>.
/// </summary>
/// <param name="StateDirectory">State, locks, per-node overlays (0700).</param>
/// <param name="ImageDirectory">Cached base images, shared by every local cloud on the machine.</param>
/// <param name="Prefix">Starts every namespace and cgroup name; 2 to 6 lowercase letters or digits.</param>
/// <param name="PublicSegment">The public segment joining the sites' routers; floating addresses come from it.</param>
/// <param name="ApiPort">The port of the API on the public segment's first address.</param>
/// <param name="ApiServerCommand">How to start the API server process (program and arguments); null disables it.</param>
public sealed record LocalCloudOptions(
    string StateDirectory,
    string ImageDirectory,
    string Prefix,
    IPNetwork PublicSegment,
    int ApiPort,
    IReadOnlyList<string>? ApiServerCommand)
{
    public const string DefaultRoot = "/var/lib/gridspan/localcloud";

    /// <summary>The address of the API on the public segment (the segment's first host address).</summary>
    public IPAddress ApiAddress => Network.AddressMath.Host(PublicSegment, 1);
}
