using GridSpan.Plan;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    public Task<SecurityGroupRecord> CreateSecurityGroupAsync(string name, string clusterId, IEnumerable<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var records = rules.Select(r =>
        {
            if (r.Protocol is IpProtocol.Tcp or IpProtocol.Udp && (r.PortMin is < 1 or > 65535 || r.PortMax < r.PortMin || r.PortMax > 65535))
            {
                throw Refused(name, $"the port range {r.PortMin}-{r.PortMax} is not within 1..65535");
            }
            return new RuleRecord(r.Protocol.ToString().ToLowerInvariant(), r.PortMin, r.PortMax, r.Source.ToString());
        }).ToList();
        return Store.UpdateAsync(state =>
        {
            var group = new SecurityGroupRecord(Names.NewId(), name, clusterId, records);
            state.SecurityGroups.Add(group);
            return group;
        }, cancellationToken);
    }

    public Task<KeyPairRecord> CreateKeyPairAsync(string name, string clusterId, string publicKey, CancellationToken cancellationToken)
    {
        var key = publicKey.Trim();
        if (key.Contains('\n', StringComparison.Ordinal) || !key.StartsWith("ssh-", StringComparison.Ordinal) && !key.StartsWith("ecdsa-", StringComparison.Ordinal))
        {
            throw Refused(name, "the public key is not one OpenSSH public key line (ssh-ed25519 AAAA..., ssh-rsa ..., ecdsa-...)");
        }
        return Store.UpdateAsync(state =>
        {
            if (state.KeyPairs.Any(k => k.Name == name && k.ClusterId == clusterId))
            {
                throw Refused(name, $"a key pair named {name} already exists in cluster {clusterId}");
            }
            var pair = new KeyPairRecord(Names.NewId(), name, clusterId, key);
            state.KeyPairs.Add(pair);
            return pair;
        }, cancellationToken);
    }
}
