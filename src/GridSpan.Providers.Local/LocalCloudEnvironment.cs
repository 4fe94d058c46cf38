using System.Net;
using GridSpan.Common;

namespace GridSpan.Providers.Local;

/// <summary>The local cloud's settings that the environment holds (the composition root reads them once).</summary>
public static class LocalCloudEnvironment
{
    /// <summary>Where a cluster node finds the API's credentials, unless <see cref="Api.LocalApiCredentials.DefaultPath"/>.</summary>
    public const string ApiCredentialsVariable = "GRIDSPAN_LOCALCLOUD_API_CREDENTIALS";

    /// <summary>
    /// The machine's local cloud (state under <see cref="LocalCloudOptions.DefaultRoot"/>, prefix gslc,
    /// public segment 198.18.0.0/24, API port 8774), with overrides from GRIDSPAN_LOCALCLOUD_STATE, _IMAGES,
    /// _PREFIX, _PUBLIC and _API_PORT (the API server gets its cloud this way; tests and benchmarks use their
    /// own cloud). The API server is this build's CLI, run by the same dotnet (else $DOTNET_ROOT's).
    /// </summary>
    public static LocalCloudOptions Options(HostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment.Get("GRIDSPAN_LOCALCLOUD_" + name);
        return new LocalCloudOptions(
            Get("STATE") ?? LocalCloudOptions.DefaultRoot,
            Get("IMAGES") ?? Path.Combine(LocalCloudOptions.DefaultRoot, "images"),
            Get("PREFIX") ?? "gslc",
            Get("PUBLIC") is { } segment ? IPNetwork.Parse(segment) : IPNetwork.Parse("198.18.0.0/24"),
            Get("API_PORT") is { } port ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : 8774,
            ApiServerLauncher.Discover(environment.Get("DOTNET_ROOT")));
    }

    /// <summary>Where a cluster node finds the local cloud API's credentials: <see cref="ApiCredentialsVariable"/>, else the default path.</summary>
    public static string ApiCredentialsFile(HostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.Get(ApiCredentialsVariable) ?? Api.LocalApiCredentials.DefaultPath;
    }
}
