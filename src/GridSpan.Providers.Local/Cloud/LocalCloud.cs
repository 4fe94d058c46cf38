using System.Net;
using GridSpan.Common;
using GridSpan.Providers.Local.Host;
using GridSpan.Providers.Local.Images;
using GridSpan.Providers.Local.Network;
using GridSpan.Providers.Local.Nodes;

namespace GridSpan.Providers.Local.Cloud;

/// <summary>
/// The local cloud: networks, security groups, key pairs, ports, servers and floating addresses on
/// this machine. State lives in one JSON file under a lock (<see cref="StateStore"/>), so several
/// processes (the CLI, the API server) may use it at once and it survives restarts. Every resource
/// carries its cluster id. Slow work (booting a node) runs outside the lock.
/// </summary>
public sealed partial class LocalCloud
{
    private readonly Action<string> _report;
    private readonly NodeRuntime _nodes;
    private static readonly SemaphoreSlim PreflightOnce = new(1, 1);
    private static bool _preflightDone;

    public LocalCloud(LocalCloudOptions options, ICommandRunner runner, Action<string>? report = null)
    {
        Options = options;
        Names = new Names(options.Prefix);
        Commands = new Commands(runner);
        Store = new StateStore(options.StateDirectory);
        Images = new ImageStore(options.ImageDirectory, runner);
        _report = report ?? (_ => { });
        _nodes = new NodeRuntime(options, Names, Commands);
    }

    public LocalCloudOptions Options { get; }
    public Names Names { get; }
    public Commands Commands { get; }
    public StateStore Store { get; }
    public ImageStore Images { get; }

    public string TokenPath => Path.Combine(Options.StateDirectory, "api-token");

    public Uri ApiUri => new($"http://{Options.ApiAddress}:{Options.ApiPort}/");

    /// <summary>Tokens that let a cluster's master act on its own cluster only.</summary>
    public Api.ClusterTokens ClusterTokens => new(Path.Combine(Options.StateDirectory, "api-tokens"));

    /// <summary>What a cluster's master needs to call the API for its cluster (a secret: write it 0600, to the master only).</summary>
    public Api.LocalApiCredentials ApiCredentials(string clusterId) => new(ApiUri, ClusterTokens.Issue(clusterId));

    // ---------------------------------------------------------------- host and world

    public async Task PreflightAsync(CancellationToken cancellationToken)
    {
        await PreflightOnce.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_preflightDone)
            {
                var probe = File.Exists(Names.NetnsPath(Names.World)) ? null : $"{Names.Prefix}-probe";
                await new HostPreflight(Commands, _report).RunAsync(probe, cancellationToken).ConfigureAwait(false);
                _preflightDone = true;
            }
        }
        finally
        {
            PreflightOnce.Release();
        }
    }

    /// <summary>The world namespace with its public bridge, created on first use (call under the state lock).</summary>
    private async Task EnsureWorldAsync(CloudState state, CancellationToken cancellationToken)
    {
        var world = Names.World;
        if (!File.Exists(Names.NetnsPath(world)))
        {
            await Commands.RunAsync(cancellationToken, "ip", "netns", "add", world).ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "link", "add", Names.PublicBridge, "type", "bridge").ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "addr", "add",
                $"{Options.ApiAddress}/{Options.PublicSegment.PrefixLength}", "dev", Names.PublicBridge).ConfigureAwait(false);
            await Commands.IpAsync(world, cancellationToken, "link", "set", Names.PublicBridge, "up").ConfigureAwait(false);
            // The world only switches frames; it never routes.
            await Commands.SysctlAsync(world, "net.ipv4.ip_forward=0", cancellationToken).ConfigureAwait(false);
            await ApplyPortSecurityAsync(state, cancellationToken).ConfigureAwait(false);
        }
        await EnsureApiServerAsync(state, cancellationToken).ConfigureAwait(false);
    }

    private Task<CommandResult> ApplyPortSecurityAsync(CloudState state, CancellationToken cancellationToken) =>
        Commands.NftAsync(Names.World, FirewallRules.PortSecurity(state.Ports), cancellationToken);

    private Task<CommandResult> ApplyRouterAsync(CloudState state, NetworkRecord network, CancellationToken cancellationToken)
    {
        var floating = state.FloatingIps
            .Select(f => (Floating: f, Port: state.Ports.FirstOrDefault(p => p.Id == f.PortId)))
            .Where(pair => pair.Port is not null && pair.Port.NetworkId == network.Id)
            .Select(pair => (pair.Floating, pair.Port!));
        return Commands.NftAsync(Names.Router(network.Id), FirewallRules.Router(network, floating), cancellationToken);
    }

    // ---------------------------------------------------------------- helpers

    private static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static bool IsHostname(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && name[0] != '-' && name[^1] != '-';

    private static GridSpanException Refused(string name, string why, string? fix = null) =>
        GridSpanException.Provider("local", $"cannot create {name}: {why}", fix);

    private static GridSpanException NotFound(string kind, string id) =>
        GridSpanException.Provider("local", $"there is no {kind} '{id}' in the local cloud", $"list what exists with `gridspan localcloud status`");
}

public sealed record DownReport(int Servers, int Networks, bool ApiServer);
