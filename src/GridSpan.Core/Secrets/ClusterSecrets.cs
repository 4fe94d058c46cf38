using System.Collections.Immutable;

namespace GridSpan.Secrets;

/// <summary>
/// Every secret of one cluster. Created once per cluster by <see cref="SecretGenerator"/>, stored
/// 0600 by <see cref="SecretStore"/>; each node receives only what it needs.
/// </summary>
/// <param name="WireGuard">One key pair per VPN node (master and gateways), by node name.</param>
/// <param name="ClusterSsh">The cluster user's key: passwordless SSH between all nodes.</param>
/// <param name="StorageSsh">Mounts shares over SFTP where a node has no NFS client; the master accepts it for SFTP only.</param>
/// <param name="HostKeys">One SSH host key per node, by node name, so every host key is known before the node boots.</param>
public sealed record ClusterSecrets(
    MungeKey Munge,
    ImmutableSortedDictionary<string, WireGuardKeyPair> WireGuard,
    SshKeyPair ClusterSsh,
    SshKeyPair StorageSsh,
    ImmutableSortedDictionary<string, SshKeyPair> HostKeys)
{
    public override string ToString() =>
        $"ClusterSecrets(munge key, {WireGuard.Count} WireGuard key pairs, cluster and storage SSH keys, {HostKeys.Count} host keys; values redacted)";

    /// <summary>Every secret value, for checks that none leaked into output.</summary>
    public IEnumerable<string> SecretValues()
    {
        yield return Munge.Value;
        foreach (var pair in WireGuard.Values)
        {
            yield return pair.PrivateKey;
        }
        foreach (var pair in HostKeys.Values.Append(ClusterSsh).Append(StorageSsh))
        {
            yield return pair.PrivateKey;
        }
    }
}
