using System.Buffers.Binary;
using System.Collections.Immutable;
using GridSpan.Plan;
using Org.BouncyCastle.Crypto.Parameters;

namespace GridSpan.Secrets;

/// <summary>
/// Creates a cluster's secrets from a random source: the munge key, an X25519 WireGuard key pair
/// per VPN node (or a pre-shared key per tunnel under ipsec), and ed25519 SSH keys (cluster user, storage, one host key per node), with
/// BouncyCastle's curve implementations.
/// </summary>
public sealed class SecretGenerator(IRandomSource random)
{
    public const int MungeKeyBytes = 1024;

    /// <summary>Secrets for every node of the plan. Keys in <paramref name="existing"/> are kept, so re-planning a grown cluster only adds keys for new nodes.</summary>
    public ClusterSecrets Generate(ClusterPlan plan, ClusterSecrets? existing = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // Every render and create of an existing cluster lands here: rebuilding 10,000 keys and
        // certificates that are all there already took a third of a second.
        return existing is not null && CoversExactly(plan, existing) ? existing : Generate(plan, existing, plan.Nodes);
    }

    /// <summary>True when the secrets have everything the plan needs and nothing for nodes it no longer has.</summary>
    private static bool CoversExactly(ClusterPlan plan, ClusterSecrets secrets) =>
        secrets.UserSsh is not null && secrets.HostCertificateAuthority is not null
        && secrets.HostCertificates is { } certificates
        && secrets.HostKeys.Count == plan.Nodes.Length && certificates.Count == plan.Nodes.Length
        && plan.Nodes.All(n => secrets.HostKeys.ContainsKey(n.Name) && certificates.ContainsKey(n.Name))
        && secrets.WireGuard.Count == WireGuardMembers(plan).Length
        && WireGuardMembers(plan).All(m => secrets.WireGuard.ContainsKey(m.Node))
        && (secrets.Ipsec?.Count ?? 0) == IpsecTunnels(plan).Length
        && IpsecTunnels(plan).All(l => secrets.Ipsec!.ContainsKey(l.Name));

    private static ImmutableArray<VpnNodePlan> WireGuardMembers(ClusterPlan plan) =>
        plan.Overlay.Kind == Config.OverlayKind.Ipsec ? [] : plan.Overlay.Members;

    private static ImmutableArray<OverlayLink> IpsecTunnels(ClusterPlan plan) =>
        plan.Overlay.Kind == Config.OverlayKind.Ipsec ? plan.Overlay.Links : [];

    /// <summary>
    /// Throwaway secrets to render some nodes of a cluster that has no saved state: host keys and
    /// certificates only for <paramref name="nodes"/> (a node's files name no other node's host key),
    /// so rendering a few nodes of a large cluster does not make a key for each of its nodes.
    /// </summary>
    public ClusterSecrets GenerateFor(ClusterPlan plan, IReadOnlySet<string> nodes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(nodes);
        return Generate(plan, null, [.. plan.Nodes.Where(n => nodes.Contains(n.Name))]);
    }

    private ClusterSecrets Generate(ClusterPlan plan, ClusterSecrets? existing, ImmutableArray<NodePlan> keyed)
    {
        var wireGuard = ImmutableSortedDictionary.CreateBuilder<string, WireGuardKeyPair>(StringComparer.Ordinal);
        foreach (var member in WireGuardMembers(plan))
        {
            wireGuard[member.Node] = existing?.WireGuard.GetValueOrDefault(member.Node) ?? WireGuardKey();
        }
        // Random bytes are drawn in plan order (so a seeded source gives the same keys); deriving the
        // public keys is the slow part (about 0.5 ms each) and runs in parallel.
        var missing = keyed.Where(n => existing?.HostKeys.ContainsKey(n.Name) != true)
            .Select(n => (Name: n.Name, Material: DrawSshKeyMaterial())).ToList();
        var made = new SshKeyPair[missing.Count];
        Parallel.For(0, missing.Count, i => made[i] = BuildSshKey(missing[i].Material, $"root@{missing[i].Name}"));
        var hostKeys = ImmutableSortedDictionary.CreateBuilder<string, SshKeyPair>(StringComparer.Ordinal);
        for (var i = 0; i < missing.Count; i++)
        {
            hostKeys[missing[i].Name] = made[i];
        }
        foreach (var node in keyed.Where(n => existing?.HostKeys.ContainsKey(n.Name) == true))
        {
            hostKeys[node.Name] = existing!.HostKeys[node.Name];
        }
        var keys = hostKeys.ToImmutable();
        var munge = existing?.Munge ?? Munge();
        var clusterSsh = existing?.ClusterSsh ?? SshKey($"gridspan@{plan.Name}.gridspan");
        var storageSsh = existing?.StorageSsh ?? SshKey($"storage@{plan.Name}.gridspan");
        // Secrets saved before host certificates existed have no authority: it is added, and every node certified.
        var authority = existing?.HostCertificateAuthority ?? SshKey($"host-ca@{plan.Domain}");
        var certified = authority == existing?.HostCertificateAuthority ? existing?.HostCertificates : null;
        return new ClusterSecrets(
            munge,
            wireGuard.ToImmutable(),
            clusterSsh,
            storageSsh,
            keys,
            authority,
            Certify(plan, keyed, keys, authority, certified, existing?.HostKeys),
            // Drawn last, so the other keys of a seeded source are those drawn before the user key existed.
            existing?.UserSsh ?? SshKey($"{plan.User}@{plan.Name}.gridspan"),
            IpsecKeys(plan, existing));
    }

    private ImmutableSortedDictionary<string, IpsecPreSharedKey>? IpsecKeys(ClusterPlan plan, ClusterSecrets? existing)
    {
        if (plan.Overlay.Kind != Config.OverlayKind.Ipsec)
        {
            return null;
        }
        var keys = ImmutableSortedDictionary.CreateBuilder<string, IpsecPreSharedKey>(StringComparer.Ordinal);
        foreach (var link in IpsecTunnels(plan))
        {
            keys[link.Name] = existing?.Ipsec?.GetValueOrDefault(link.Name) ?? new IpsecPreSharedKey(Convert.ToBase64String(Draw(IpsecPreSharedKey.Bytes)));
        }
        return keys.ToImmutable();
    }

    /// <summary>
    /// A host certificate per node: kept when the node kept its key, issued otherwise. Nonces and
    /// serials are drawn in plan order; signing runs in parallel.
    /// </summary>
    private ImmutableSortedDictionary<string, string> Certify(ClusterPlan plan, ImmutableArray<NodePlan> keyed, ImmutableSortedDictionary<string, SshKeyPair> hostKeys,
        SshKeyPair authority, ImmutableSortedDictionary<string, string>? certified, ImmutableSortedDictionary<string, SshKeyPair>? previousKeys)
    {
        bool Kept(NodePlan node) => certified?.ContainsKey(node.Name) == true && previousKeys?.GetValueOrDefault(node.Name) == hostKeys[node.Name];
        var toIssue = keyed.Where(n => !Kept(n)).Select(n => (Node: n, Nonce: Draw(32), Serial: BinaryPrimitives.ReadUInt64BigEndian(Draw(8)))).ToList();
        var issued = new string[toIssue.Count];
        if (toIssue.Count > 0)
        {
            var signer = new SshCertificateAuthority(authority);
            Parallel.For(0, toIssue.Count, i =>
            {
                var (node, nonce, serial) = toIssue[i];
                issued[i] = SshHostCertificate.Issue(signer, hostKeys[node.Name].PublicKey, node.Name, HostPrincipals(plan, node), serial, nonce);
            });
        }
        var certificates = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var node in keyed.Where(Kept))
        {
            certificates[node.Name] = certified![node.Name];
        }
        for (var i = 0; i < toIssue.Count; i++)
        {
            certificates[toIssue[i].Node.Name] = issued[i];
        }
        return certificates.ToImmutable();
    }

    /// <summary>The names a node's host certificate is valid for: its host name and its name in the cluster's DNS.</summary>
    public static IReadOnlyList<string> HostPrincipals(ClusterPlan plan, NodePlan node)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        return [node.Name, $"{node.Name}.{plan.Domain}"];
    }

    private byte[] Draw(int length)
    {
        var bytes = new byte[length];
        random.Fill(bytes);
        return bytes;
    }

    public MungeKey Munge()
    {
        var bytes = new byte[MungeKeyBytes];
        random.Fill(bytes);
        return new MungeKey(Convert.ToBase64String(bytes) + "\n");
    }

    public WireGuardKeyPair WireGuardKey()
    {
        var secret = new byte[32];
        random.Fill(secret);
        // Clamp as `wg genkey` does, so the stored key is the canonical Curve25519 scalar.
        secret[0] &= 248;
        secret[31] &= 127;
        secret[31] |= 64;
        var privateKey = new X25519PrivateKeyParameters(secret, 0);
        return new WireGuardKeyPair(Convert.ToBase64String(secret), Convert.ToBase64String(privateKey.GeneratePublicKey().GetEncoded()));
    }

    public SshKeyPair SshKey(string comment) => BuildSshKey(DrawSshKeyMaterial(), comment);

    private (byte[] Seed, uint CheckInt) DrawSshKeyMaterial()
    {
        var seed = new byte[32];
        random.Fill(seed);
        var check = new byte[4];
        random.Fill(check);
        return (seed, BinaryPrimitives.ReadUInt32BigEndian(check));
    }

    private static SshKeyPair BuildSshKey((byte[] Seed, uint CheckInt) material, string comment)
    {
        var publicKey = new Ed25519PrivateKeyParameters(material.Seed, 0).GeneratePublicKey().GetEncoded();
        return new SshKeyPair(
            OpenSshKeyFormat.PrivateKeyFile(material.Seed, publicKey, comment, material.CheckInt),
            OpenSshKeyFormat.PublicKeyLine(publicKey, comment));
    }
}
