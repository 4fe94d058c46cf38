using System.Collections.Immutable;
using System.Net;
using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Provision;

namespace GridSpan.Providers.Local;

/// <summary>The `local` provider: sites are isolated networks on this machine, nodes are systemd containers.</summary>
/// <param name="options">Which local cloud: the machine's, unless the environment names another.</param>
/// <param name="apiCredentialsFile">Where a cluster node finds the local cloud API's credentials (<see cref="Api.LocalApiCredentials.DefaultPath"/>).</param>
public sealed class LocalProviderDefinition(LocalCloudOptions options, string apiCredentialsFile) : IProviderDefinition, IClusterDiscovery, IPreflightCheck
{
    /// <summary>The provider of the local cloud the environment names (see <see cref="LocalCloudEnvironment"/>).</summary>
    public static LocalProviderDefinition For(Common.HostEnvironment environment) =>
        new(LocalCloudEnvironment.Options(environment), LocalCloudEnvironment.ApiCredentialsFile(environment));

    public string Name => "local";

    public string Description => "an isolated network on this machine; nodes are systemd containers";

    public ObjectShape SettingsShape { get; } = new(
        "Settings of a site on the local cloud.",
        [
            new Field("subnet", new StringShape("The site's IPv4 subnet, e.g. 10.11.0.0/24; chosen by the planner when absent.", Format: "cidr")),
            new Field("mtu", new IntegerShape("The MTU of the site's network.", 1280, 9000), Default: 1500),
        ]);

    public ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors)
    {
        if (section is null)
        {
            return new LocalSiteSettings(null, null);
        }
        IPNetwork? subnet = null;
        if (section.GetString("subnet") is { } text)
        {
            subnet = Ipv4Range.Parse(text, 16, 29, out var meant);
            if (subnet is null)
            {
                errors.Add(new ConfigError(section.LocationOf("subnet"), section.PathOf("subnet"),
                    $"'{text}' is not an IPv4 subnet between /16 and /29 with its host bits zero",
                    meant is not null
                        ? $"write the subnet's network address: {meant}"
                        : "write a network address and prefix such as 10.11.0.0/24"));
            }
        }
        var mtu = section.GetInteger("mtu") is { } value ? (int)value : (int?)null;
        return new LocalSiteSettings(subnet, mtu);
    }

    public ImmutableArray<(IPNetwork Range, string Meaning)> ReservedRanges =>
        [(options.PublicSegment, "the local cloud's public segment")];

    public FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor) => LocalFlavors.All.GetValueOrDefault(flavor);

    public ValueProblem? CheckFlavor(string flavor) =>
        LocalFlavors.All.ContainsKey(flavor)
            ? null
            : new ValueProblem($"the local cloud has no flavor '{flavor}'",
                "use one of " + string.Join(", ", LocalFlavors.All.Select(f => $"{f.Key} ({f.Value.Cpus} CPU, {f.Value.MemoryMiB} MiB)")));

    public ValueProblem? CheckImage(string image) =>
        Images.ImageRecipe.All.Any(r => r.Name == image)
            ? null
            : new ValueProblem($"the local cloud has no image '{image}'",
                "use " + string.Join(" or ", Images.ImageRecipe.All.Select(r => r.Name)) + ", or leave 'image' out");

    /// <summary>
    /// On a cluster node that holds the local cloud's API credentials (the master, for on-demand
    /// nodes): the API. Elsewhere: the machine's local cloud directly (see <see cref="LocalCloudEnvironment"/>).
    /// Its state is the machine's, not the cluster's: <see cref="SiteConnection.StateDirectory"/> is not
    /// used, so listing by tag works even when the cluster's own state is lost.
    /// </summary>
    public ISiteProvider Connect(SiteConnection connection) =>
        Api.LocalApiCredentials.Find(apiCredentialsFile) is { } credentials
            ? new Api.LocalApiSiteProvider(credentials, connection.Site.Name)
            : new LocalSiteProvider(new Cloud.LocalCloud(options, connection.Runner), connection.Site.Name);

    /// <summary>Every tagged resource of the machine's local cloud, from its own state (no site needed).</summary>
    public async Task<ImmutableArray<CloudResource>> ListAllAsync(Common.ICommandRunner runner, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(options.StateDirectory, "state.json")))
        {
            return [];
        }
        var cloud = new Cloud.LocalCloud(options, runner);
        var state = await cloud.Store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return [.. Cloud.LocalCloud.Resources(state)];
    }

    public ISiteProvider ConnectForCleanup(Common.ICommandRunner runner) =>
        new LocalSiteProvider(new Cloud.LocalCloud(options, runner), Name);

    public Task<ImmutableArray<CheckFinding>> CheckAsync(ClusterSpec spec, Plan.ClusterPlan plan, Common.ICommandRunner runner, CancellationToken cancellationToken) =>
        new LocalPreflightCheck(options, runner).CheckAsync(plan, Name, cancellationToken);
}
