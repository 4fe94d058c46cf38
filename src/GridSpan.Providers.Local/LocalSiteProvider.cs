using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Provision;
using GridSpan.Plan;

namespace GridSpan.Providers.Local;

/// <summary>The local cloud behind the provider interface, for one site of one cluster.</summary>
public sealed class LocalSiteProvider(LocalCloud cloud, string siteName) : ISiteProvider
{
    public LocalCloud Cloud { get; } = cloud;

    public async Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken)
    {
        var network = await Wrap(() => Cloud.CreateNetworkAsync(request.Name, request.ClusterId, request.Cidr, request.Mtu, cancellationToken)).ConfigureAwait(false);
        return new NetworkInfo(network.Id, network.Name, network.Id, IPNetwork.Parse(network.Cidr), network.Mtu, network.Id);
    }

    public async Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken)
    {
        var group = await Wrap(() => Cloud.CreateSecurityGroupAsync(request.Name, request.ClusterId, request.Rules, cancellationToken)).ConfigureAwait(false);
        return new SecurityGroupInfo(group.Id, group.Name);
    }

    public Task SetSecurityGroupRulesAsync(string groupId, ImmutableArray<SecurityRule> rules, CancellationToken cancellationToken) =>
        Wrap(() => Cloud.SetSecurityGroupRulesAsync(groupId, rules, cancellationToken));

    public async Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken)
    {
        var pair = await Wrap(() => Cloud.CreateKeyPairAsync(request.Name, request.ClusterId, request.PublicKey, cancellationToken)).ConfigureAwait(false);
        return new KeyPairInfo(pair.Id, pair.Name);
    }

    public async Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken) =>
        ToInfo(await Wrap(() => Cloud.CreatePortAsync(request.Name, request.ClusterId, request.NetworkId, request.FixedAddress,
            request.SecurityGroupIds, request.AllowedAddressPairs, cancellationToken)).ConfigureAwait(false));

    public async Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken) =>
        ToInfo(await Wrap(() => Cloud.SetAllowedAddressPairsAsync(portId, allowed, cancellationToken)).ConfigureAwait(false));

    public async Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken)
    {
        var server = await Wrap(() => Cloud.CreateServerAsync(request.Name, request.ClusterId, request.Image, request.Flavor, request.PortId,
            request.KeyPairName, request.UserData, request.Metadata, cancellationToken)).ConfigureAwait(false);
        return await ToInfoAsync(server, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken) =>
        await Cloud.GetServerAsync(serverId, cancellationToken).ConfigureAwait(false) is { } server
            ? await ToInfoAsync(server, cancellationToken).ConfigureAwait(false)
            : null;

    public async Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken)
    {
        var floating = await Wrap(() => Cloud.CreateFloatingIpAsync(request.Name, request.ClusterId, request.PortId, cancellationToken)).ConfigureAwait(false);
        return new FloatingIpInfo(floating.Id, IPAddress.Parse(floating.Address), floating.PortId);
    }

    public Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken) =>
        Cloud.ListAsync(clusterId, cancellationToken);

    public Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken) =>
        Wrap(async () =>
        {
            await Cloud.DeleteAsync(resource.Kind, resource.Id, cancellationToken).ConfigureAwait(false);
            return 0;
        });

    /// <summary>Floating addresses live in the local cloud's "world" namespace: ssh runs there.</summary>
    public ICommandRunner ClientRunner(ICommandRunner inner) => new Configure.NetworkNamespaceRunner(Cloud.Names.World, inner);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// The local cloud's API address and a token limited to this cluster (a secret: 0600, the master
    /// only). With them, the `local` provider on the master talks to the API. The token is kept in the
    /// cloud's state, so every create hands out the same one until terminate revokes it.
    /// </summary>
    public Task<IReadOnlyDictionary<string, string>> MasterCredentialsAsync(
        string clusterId, IReadOnlyDictionary<string, string> issuedBefore, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            [Api.LocalApiCredentials.DefaultPath] = System.Text.Json.JsonSerializer.Serialize(Cloud.ApiCredentials(clusterId), Api.ApiServer.JsonOptions),
        });

    public Task RevokeMasterCredentialsAsync(string clusterId, CancellationToken cancellationToken)
    {
        Cloud.ClusterTokens.Revoke(clusterId);
        return Task.CompletedTask;
    }

    private static PortInfo ToInfo(PortRecord port) =>
        new(port.Id, port.Name, IPAddress.Parse(port.Address), port.Mac, [.. port.AllowedAddressPairs.Select(IPNetwork.Parse)]);

    private async Task<ServerInfo> ToInfoAsync(ServerRecord server, CancellationToken cancellationToken) =>
        await Cloud.DescribeServerAsync(server.Id, cancellationToken).ConfigureAwait(false)
        ?? new ServerInfo(server.Id, server.Name, ServerStatus.Error, [], [], "the server was deleted meanwhile");

    /// <summary>Names the site in every refusal, as the provider contract asks.</summary>
    private async Task<T> Wrap<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (GridSpanException failure) when (failure.ExitCode == ExitCode.ProviderFailure && failure.Message.StartsWith("site 'local'", StringComparison.Ordinal))
        {
            throw GridSpanException.Provider(siteName, failure.Message["site 'local': ".Length..], failure.Fix, failure);
        }
    }
}
