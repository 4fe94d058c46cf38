using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Networking;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

public sealed partial class OpenStackSiteProvider
{
    public async Task<PortInfo> CreatePortAsync(PortRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        var tag = ClusterTag.For(request.ClusterId);
        var existing = (await neutron.ListAsync("ports", new Dictionary<string, string> { ["tags"] = tag, ["name"] = request.Name, ["network_id"] = request.NetworkId }, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();
        if (existing is not null)
        {
            return ToPortInfo(existing);
        }
        var groups = new JsonArray([.. request.SecurityGroupIds.Concat(await ExtraSecurityGroupsAsync(neutron, cancellationToken).ConfigureAwait(false))
            .Distinct(StringComparer.Ordinal).Select(id => (JsonNode)JsonValue.Create(id))]);
        var fields = new JsonObject
        {
            ["name"] = request.Name,
            ["network_id"] = request.NetworkId,
            ["security_groups"] = groups,
            ["allowed_address_pairs"] = Pairs(request.AllowedAddressPairs),
            ["description"] = $"GridSpan cluster {request.ClusterId}",
        };
        if (request.FixedAddress is { } address)
        {
            fields["fixed_ips"] = new JsonArray(new JsonObject { ["ip_address"] = address.ToString() });
        }
        return ToPortInfo(await neutron.CreateAsync("ports", fields, tag, cancellationToken).ConfigureAwait(false));
    }

    private async Task<ImmutableArray<string>> ExtraSecurityGroupsAsync(NeutronClient neutron, CancellationToken cancellationToken)
    {
        if (_extraSecurityGroups is { } cached)
        {
            return cached;
        }
        var ids = ImmutableArray.CreateBuilder<string>();
        foreach (var name in _settings.SecurityGroups)
        {
            var group = await neutron.FindAsync("security-groups", name, null, cancellationToken).ConfigureAwait(false)
                ?? throw GridSpanException.Provider(_site, $"the security group '{name}' does not exist",
                    "create it, or remove it from `securityGroups:`");
            ids.Add(group.Id);
        }
        _extraSecurityGroups = ids.ToImmutable();
        return _extraSecurityGroups.Value;
    }

    private static JsonArray Pairs(ImmutableArray<IPNetwork> pairs) =>
        new([.. (pairs.IsDefault ? [] : pairs).Select(p => (JsonNode)new JsonObject { ["ip_address"] = p.ToString() })]);

    public async Task<PortInfo> SetAllowedAddressPairsAsync(string portId, ImmutableArray<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var neutron = (await _session.Value.ConfigureAwait(false)).Neutron;
        return ToPortInfo(await neutron.UpdateAsync("ports", portId, new JsonObject { ["allowed_address_pairs"] = Pairs(allowed) }, cancellationToken).ConfigureAwait(false));
    }

    private PortInfo ToPortInfo(NeutronResource port) => ApiAnswer.Read(_site, "Neutron", $"read port '{port.Name}'", port.Json, json =>
    {
        var address = json.GetProperty("fixed_ips").EnumerateArray()
            .Select(f => IPAddress.Parse(ApiAnswer.RequiredText(f, "ip_address")))
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .First();
        var pairs = json.TryGetProperty("allowed_address_pairs", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => ParseNetwork(ApiAnswer.RequiredText(x, "ip_address"))).ToImmutableArray()
            : [];
        return new PortInfo(port.Id, port.Name, address, port.Text("mac_address"), pairs);
    });

    private static IPNetwork ParseNetwork(string text) =>
        text.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(text) : new IPNetwork(IPAddress.Parse(text), IPAddress.Parse(text).AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
}
