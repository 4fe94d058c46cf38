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

    /// <summary>The machine's local cloud: what `gridspan localcloud` and the `local` provider use.</summary>
    public static LocalCloudOptions Default { get; } = new(
        DefaultRoot,
        Path.Combine(DefaultRoot, "images"),
        "gslc",
        IPNetwork.Parse("198.18.0.0/24"),
        8774,
        ApiServerLauncher.Discover());

    /// <summary>The address of the API on the public segment (the segment's first host address).</summary>
    public IPAddress ApiAddress => Network.AddressMath.Host(PublicSegment, 1);
}

public static class LocalCloudEnvironment
{
    /// <summary>
    /// The default options with overrides from GRIDSPAN_LOCALCLOUD_STATE, _IMAGES, _PREFIX, _PUBLIC and
    /// _API_PORT (the API server gets its cloud this way; tests and benchmarks use their own cloud).
    /// </summary>
    public static LocalCloudOptions Options()
    {
        var options = LocalCloudOptions.Default;
        string? Get(string name) => Environment.GetEnvironmentVariable("GRIDSPAN_LOCALCLOUD_" + name) is { Length: > 0 } v ? v : null;
        if (Get("STATE") is { } state)
        {
            options = options with { StateDirectory = state };
        }
        if (Get("IMAGES") is { } images)
        {
            options = options with { ImageDirectory = images };
        }
        if (Get("PREFIX") is { } prefix)
        {
            options = options with { Prefix = prefix };
        }
        if (Get("PUBLIC") is { } segment)
        {
            options = options with { PublicSegment = System.Net.IPNetwork.Parse(segment) };
        }
        if (Get("API_PORT") is { } port)
        {
            options = options with { ApiPort = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) };
        }
        return options;
    }
}
