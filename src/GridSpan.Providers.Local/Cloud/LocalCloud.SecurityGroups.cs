using GridSpan.Plan;
using GridSpan.Providers.Local.Network;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    public Task<SecurityGroupRecord> CreateSecurityGroupAsync(string name, string clusterId, IEnumerable<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var records = RuleRecords(name, rules);
        return Store.UpdateAsync(state =>
        {
            var group = new SecurityGroupRecord(Names.NewId(), name, clusterId, records);
            state.SecurityGroups.Add(group);
            return group;
        }, cancellationToken);
    }

    /// <summary>
    /// Makes the group's rules exactly <paramref name="rules"/>, and applies them at once in every running
    /// server whose port has the group: traffic a removed rule let in is dropped from then on.
    /// </summary>
    public Task<SecurityGroupRecord> SetSecurityGroupRulesAsync(string groupId, IEnumerable<SecurityRule> rules, CancellationToken cancellationToken)
    {
        return Store.UpdateAsync(async state =>
        {
            var index = state.SecurityGroups.FindIndex(g => g.Id == groupId);
            if (index < 0)
            {
                throw NotFound("security group", groupId);
            }
            var group = state.SecurityGroups[index] with { Rules = RuleRecords(state.SecurityGroups[index].Name, rules) };
            state.SecurityGroups[index] = group;
            foreach (var server in state.Servers.Where(s => s.Pid is not null))
            {
                var port = state.Ports.FirstOrDefault(p => p.Id == server.PortId);
                if (port is null || !port.SecurityGroupIds.Contains(groupId) || !File.Exists(Names.NetnsPath(Names.Node(server.Id))))
                {
                    continue;
                }
                var network = state.Networks.First(n => n.Id == port.NetworkId);
                var groups = state.SecurityGroups.Where(g => port.SecurityGroupIds.Contains(g.Id));
                await Commands.NftAsync(Names.Node(server.Id), FirewallRules.SecurityGroups(network.Cidr, groups), cancellationToken).ConfigureAwait(false);
            }
            return group;
        }, cancellationToken);
    }

    private static List<RuleRecord> RuleRecords(string groupName, IEnumerable<SecurityRule> rules) =>
        [.. rules.Select(r =>
        {
            if (r.Protocol is IpProtocol.Tcp or IpProtocol.Udp && (r.PortMin is < 1 or > 65535 || r.PortMax < r.PortMin || r.PortMax > 65535))
            {
                throw Refused(groupName, $"the port range {r.PortMin}-{r.PortMax} is not within 1..65535");
            }
            return new RuleRecord(r.Protocol.ToString().ToLowerInvariant(), r.PortMin, r.PortMax, r.Source.ToString());
        })];

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
