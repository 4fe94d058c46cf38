using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Providers.Azure.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>Where GridSpan's inbound rules start; NSG priorities run from 100 (first) to 4096.</summary>
    private const int FirstPriority = 100;

    /// <summary>A network security group with the given inbound rules; one that exists is returned as it is.</summary>
    public async Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = await FindOrCreateAsync(request.ClusterId, ResourceTypes.SecurityGroup, request.Name, ArmApi.Network,
            $"network security group {request.Name}", new JsonObject { ["securityRules"] = RulesOf(request.Rules) }, cancellationToken).ConfigureAwait(false);
        return new SecurityGroupInfo(existing["id"]!.GetValue<string>(), request.Name);
    }

    /// <summary>Replaces the group's rules by exactly <paramref name="rules"/> (one PUT of the whole group); nothing when they are the same.</summary>
    public async Task SetSecurityGroupRulesAsync(string groupId, ImmutableArray<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var name = SiteGroup.NameOf(groupId);
        var group = await _arm.GetAsync(groupId, ArmApi.Network, $"look up the network security group {name}", cancellationToken).ConfigureAwait(false)
            ?? throw GridSpanException.Provider(Site, $"the network security group {groupId} does not exist", "run `gridspan create` again to recreate it");
        var wanted = RulesOf(rules);
        if (JsonNode.DeepEquals(Comparable(group["properties"]?["securityRules"] as JsonArray), Comparable(wanted)))
        {
            return;
        }
        var body = new JsonObject
        {
            ["location"] = group["location"]?.DeepClone(),
            ["tags"] = group["tags"]?.DeepClone(),
            ["properties"] = new JsonObject { ["securityRules"] = wanted },
        };
        await _arm.PutAsync(groupId, ArmApi.Network, body, $"set the rules of the network security group {name}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inbound allow rules in a fixed order, so the same rules always make the same group.</summary>
    internal static JsonArray RulesOf(IEnumerable<SecurityRule> rules) =>
        [.. rules
            .Select(r => (Protocol: ProtocolOf(r.Protocol), Ports: PortsOf(r), Source: r.Source.ToString()))
            .Distinct()
            .OrderBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.Protocol, StringComparer.Ordinal).ThenBy(r => r.Ports, StringComparer.Ordinal)
            .Select((r, i) => (JsonNode)new JsonObject
            {
                ["name"] = string.Create(CultureInfo.InvariantCulture, $"gridspan-{FirstPriority + i}"),
                ["properties"] = new JsonObject
                {
                    ["priority"] = FirstPriority + i,
                    ["direction"] = "Inbound",
                    ["access"] = "Allow",
                    ["protocol"] = r.Protocol,
                    ["sourceAddressPrefix"] = r.Source,
                    ["sourcePortRange"] = "*",
                    ["destinationAddressPrefix"] = "*",
                    ["destinationPortRange"] = r.Ports,
                },
            })];

    private static string ProtocolOf(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Tcp => "Tcp",
        IpProtocol.Udp => "Udp",
        IpProtocol.Icmp => "Icmp",
        _ => "*",
    };

    private static string PortsOf(SecurityRule rule) =>
        rule.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp) ? "*"
            : rule.PortMin == rule.PortMax ? rule.PortMin.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{rule.PortMin}-{rule.PortMax}");

    /// <summary>The parts of rules that say what they let in (ARM adds etags, ids and states to what it returns).</summary>
    private static JsonArray Comparable(JsonArray? rules) =>
        [.. (rules ?? []).OfType<JsonObject>().Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r["name"]?.DeepClone(),
            ["priority"] = r["properties"]?["priority"]?.DeepClone(),
            ["direction"] = r["properties"]?["direction"]?.DeepClone(),
            ["access"] = r["properties"]?["access"]?.DeepClone(),
            ["protocol"] = r["properties"]?["protocol"]?.DeepClone(),
            ["sourceAddressPrefix"] = r["properties"]?["sourceAddressPrefix"]?.DeepClone(),
            ["destinationPortRange"] = r["properties"]?["destinationPortRange"]?.DeepClone(),
        })];
}
