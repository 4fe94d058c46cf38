using System.Collections.Immutable;

namespace GridSpan.Secrets;

/// <summary>
/// Every secret of one cluster. Created once per cluster by <see cref="SecretGenerator"/>, stored
/// 0600 by <see cref="SecretStore"/>; each node receives only what it needs.
/// </summary>
/// <param name="WireGuard">One key pair per VPN node (master and gateways), by node name.</param>
/// <param name="ClusterSsh">
/// GridSpan's own key: it logs in with it as root (or, on VMs with an ordinary cluster user, as its
/// sudo account), from this machine and from the master's on-demand hooks. Never in a user's home.
/// </param>
/// <param name="StorageSsh">Mounts shares over SFTP where a node has no NFS client; the master accepts it for SFTP only.</param>
/// <param name="HostKeys">One SSH host key per node, by node name, so every host key is known before the node boots.</param>
/// <param name="HostCertificateAuthority">
/// Signs the host certificates, which every node trusts for the cluster's names. Its private key is
/// empty in the master's copy: every node's certificate, on-demand nodes' too, is issued with the
/// host keys, so the master never signs.
/// </param>
/// <param name="HostCertificates">One OpenSSH host certificate per node, by node name (public: a certificate line).</param>
/// <param name="UserSsh">
/// The cluster user's key: passwordless SSH between all nodes, in its home on every node. Apart from
/// <paramref name="ClusterSsh"/>, so the user (and its jobs) cannot log in as root with it. Null in
/// secrets saved before it existed, until <see cref="SecretGenerator"/> adds it.
/// </param>
/// <param name="Ipsec">Under the ipsec overlay, one pre-shared key per tunnel, by the tunnel's name (OverlayLink.Name); null otherwise.</param>
public sealed record ClusterSecrets(
    MungeKey Munge,
    ImmutableSortedDictionary<string, WireGuardKeyPair> WireGuard,
    SshKeyPair ClusterSsh,
    SshKeyPair StorageSsh,
    ImmutableSortedDictionary<string, SshKeyPair> HostKeys,
    SshKeyPair HostCertificateAuthority,
    ImmutableSortedDictionary<string, string> HostCertificates,
    SshKeyPair UserSsh,
    ImmutableSortedDictionary<string, IpsecPreSharedKey>? Ipsec = null)
{
    public override string ToString() =>
        $"ClusterSecrets(munge key, {WireGuard.Count} WireGuard key pairs, {Ipsec?.Count ?? 0} IPsec keys, cluster, user and storage SSH keys, {HostKeys.Count} host keys " +
        $"and certificates; values redacted)";

    /// <summary>Every secret value, for checks that none leaked into output.</summary>
    public IEnumerable<string> SecretValues()
    {
        yield return Munge.Value;
        foreach (var pair in WireGuard.Values)
        {
            yield return pair.PrivateKey;
        }
        foreach (var key in Ipsec?.Values ?? Enumerable.Empty<IpsecPreSharedKey>())
        {
            yield return key.Value;
        }
        foreach (var pair in HostKeys.Values.Append(ClusterSsh).Append(UserSsh).Append(StorageSsh).Append(HostCertificateAuthority).Where(p => p?.PrivateKey.Length > 0))
        {
            yield return pair.PrivateKey;
        }
    }
}
