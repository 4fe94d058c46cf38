using System.Collections.Immutable;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.Json;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

public sealed partial class OpenStackSiteProvider
{
    public async Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        var tag = ClusterTag.For(request.ClusterId);
        var group = (await neutron.ListTaggedAsync("security-groups", tag, cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Name == request.Name);
        if (group is null)
        {
            group = await neutron.CreateAsync("security-groups", new JsonObject
            {
                ["name"] = request.Name,
                ["description"] = $"GridSpan cluster {request.ClusterId}",
            }, tag, cancellationToken).ConfigureAwait(false);
        }
        var existing = group.Json.TryGetProperty("security_group_rules", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(RuleKey).ToHashSet(StringComparer.Ordinal)
            : [];
        var rules = request.Rules.Select(rule => RuleBody(group.Id, rule)).Where(body => !existing.Contains(RuleKey(body))).ToList();
        await neutron.CreateSecurityGroupRulesAsync(rules, cancellationToken).ConfigureAwait(false);
        return new SecurityGroupInfo(group.Id, group.Name);
    }

    public async Task SetSecurityGroupRulesAsync(string groupId, ImmutableArray<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        var group = await neutron.ShowAsync("security-groups", groupId, cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(_site, $"security group {groupId} does not exist", "run `gridspan create` again to recreate it");
        var ingress = group.Json.TryGetProperty("security_group_rules", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Where(rule => rule.TryGetProperty("direction", out var d) && d.ValueKind == JsonValueKind.String && d.GetString() == "ingress").ToList()
            : [];
        var wanted = rules.Select(rule => RuleBody(groupId, rule)).ToList();
        var wantedKeys = wanted.Select(RuleKey).ToHashSet(StringComparer.Ordinal);
        var present = ingress.Select(RuleKey).ToHashSet(StringComparer.Ordinal);
        // New rules first, so there is never a moment with fewer than both sets allow.
        await neutron.CreateSecurityGroupRulesAsync(wanted.Where(body => !present.Contains(RuleKey(body))), cancellationToken).ConfigureAwait(false);
        foreach (var stale in ingress.Where(rule => !wantedKeys.Contains(RuleKey(rule))))
        {
            await neutron.DeleteResourceAsync("security-group-rules", ApiAnswer.RequiredText(stale, "id"), cancellationToken).ConfigureAwait(false);
        }
    }

    private static JsonObject RuleBody(string groupId, SecurityRule rule)
    {
        var body = new JsonObject
        {
            ["security_group_id"] = groupId,
            ["direction"] = "ingress",
            ["ethertype"] = rule.Source.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4",
            ["remote_ip_prefix"] = rule.Source.ToString(),
            ["protocol"] = rule.Protocol switch
            {
                IpProtocol.Tcp => "tcp",
                IpProtocol.Udp => "udp",
                IpProtocol.Icmp => "icmp",
                _ => null,
            },
        };
        if (rule.Protocol is IpProtocol.Tcp or IpProtocol.Udp)
        {
            body["port_range_min"] = rule.PortMin;
            body["port_range_max"] = rule.PortMax;
        }
        return body;
    }

    private static string RuleKey(JsonObject body) => RuleKey(JsonSerializer.SerializeToElement(body));

    private static string RuleKey(JsonElement rule)
    {
        string Field(string name) => rule.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";
        return string.Join("|", Field("direction"), Field("ethertype"), Field("protocol"), Field("port_range_min"), Field("port_range_max"), Field("remote_ip_prefix"));
    }

    public async Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nova = (await _session.Value.ConfigureAwait(false)).Nova;
        var prefix = KeyPairPrefix(request.ClusterId);
        var name = request.Name.StartsWith(prefix, StringComparison.Ordinal) ? request.Name : prefix + request.Name;
        if (await nova.GetKeyPairAsync(name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            if (SameKey(existing.PublicKey, request.PublicKey))
            {
                return new KeyPairInfo(name, name);
            }
            throw GridSpanException.Provider(_site, $"a different key pair named '{name}' exists already",
                $"delete it (`openstack keypair delete {name}`) if it is left over from an earlier cluster with this id");
        }
        await nova.ImportKeyPairAsync(name, request.PublicKey.Trim(), cancellationToken).ConfigureAwait(false);
        return new KeyPairInfo(name, name);
    }

    private static bool SameKey(string a, string b)
    {
        static string Body(string key) => string.Join(' ', key.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
        return Body(a) == Body(b);
    }
}
