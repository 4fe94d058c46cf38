using System.Collections.Immutable;
using System.Net;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>
/// The operations GridSpan needs from a cloud, for one site. Every resource created carries the
/// cluster's tag (<see cref="ClusterTag"/>), so <see cref="ListAsync"/> finds it from the cloud
/// itself even when local state is lost. Implementations retry transient failures themselves and
/// turn refusals into <see cref="Common.GridSpanException"/>s that quote the cloud's own message.
/// </summary>
public interface ISiteProvider : IAsyncDisposable
{
    Task<NetworkInfo> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken);

    Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the group's inbound rules exactly <paramref name="rules"/>, for servers already running too:
    /// a rule that is gone stops letting traffic in. Used to narrow a rule once the addresses it needs exist.
    /// </summary>
    Task SetSecurityGroupRulesAsync(string groupId, ImmutableArray<SecurityRule> rules, CancellationToken cancellationToken);

    Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken);

    Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken);

    /// <summary>Replaces the port's allowed address pairs (what it may send from besides its own address).</summary>
    Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken);

    /// <summary>Starts creating a server and returns at once; poll <see cref="GetServerAsync"/> until it is active.</summary>
    Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken);

    /// <summary>The server's current state, or null when it does not exist.</summary>
    Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken);

    Task<FloatingIpInfo> CreateFloatingIpAsync(FloatingIpRequest request, CancellationToken cancellationToken);

    /// <summary>Every resource in this site tagged with the cluster's id.</summary>
    Task<ImmutableArray<CloudResource>> ListAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Deletes one resource; deleting one that is already gone is not an error.</summary>
    Task DeleteAsync(CloudResource resource, CancellationToken cancellationToken);

    /// <summary>
    /// The runner for client programs (ssh) that must reach this site's public addresses. Clouds'
    /// addresses are reachable from this machine as they are; the local cloud's live in a network
    /// namespace, so it wraps <paramref name="inner"/> to run there.
    /// </summary>
    Common.ICommandRunner ClientRunner(Common.ICommandRunner inner) => inner;

    /// <summary>
    /// Files (path on the master → content, secrets) that let the cluster's master manage the cluster's
    /// on-demand nodes in this site by itself, with a credential limited to this cluster as far as the
    /// cloud allows. `create` calls it every time with the files this provider returned before
    /// (<paramref name="issuedBefore"/>, empty the first time; it may hold other providers' files too):
    /// a credential that is still valid is returned unchanged, so the master's files change only when
    /// they must. None by default.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> MasterCredentialsAsync(
        string clusterId, IReadOnlyDictionary<string, string> issuedBefore, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    /// <summary>
    /// Revokes every credential <see cref="MasterCredentialsAsync"/> issued for the cluster; `terminate`
    /// calls it once the cluster's resources are deleted. Revoking what does not exist is no error.
    /// </summary>
    Task RevokeMasterCredentialsAsync(string clusterId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Removes what holds the cluster's resources in this site and is no resource of its own (Azure's resource group),
    /// once `terminate` has deleted every listed resource and revoked the master's credentials. Releasing what is gone
    /// is no error. Nothing by default.
    /// </summary>
    Task ReleaseSiteAsync(string clusterId, CancellationToken cancellationToken) => Task.CompletedTask;
}
