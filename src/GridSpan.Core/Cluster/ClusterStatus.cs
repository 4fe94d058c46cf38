using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using GridSpan.Common;

namespace GridSpan.Cluster;

/// <summary>A cluster as it is now: its sites, and each node's server, Slurm state and VPN handshakes.</summary>
public sealed record ClusterStatus(string Name, string ClusterId, string Master, ImmutableArray<SiteStatus> Sites, ImmutableArray<NodeStatus> Nodes, ImmutableArray<string> Problems);

public sealed record SiteStatus(string Name, string Provider, string Subnet, int Mtu, string VpnNode);

/// <param name="Server">The server's state in its cloud: active, building, error, missing, or "on demand" for an on-demand node not running.</param>
/// <param name="Slurm">The node's state in slurmctld (idle, alloc, down*, idle~ ...), or null when it runs no slurmd or slurmctld did not answer.</param>
/// <param name="Vpn">Each peer's last handshake, for VPN nodes.</param>
public sealed record NodeStatus(
    string Name,
    string Role,
    string Site,
    bool OnDemand,
    string Address,
    string? PublicAddress,
    string Server,
    string? Slurm,
    ImmutableArray<VpnPeerStatus> Vpn);

/// <param name="HandshakeAgeSeconds">Seconds since the last handshake with the peer (under ipsec: since its IKE_SA was established), or null when there was none.</param>
public sealed record VpnPeerStatus(string Peer, long? HandshakeAgeSeconds);

/// <summary>Reads <see cref="ClusterStatus"/> from the clouds (servers) and the nodes (sinfo on the master, `wg show` on VPN nodes).</summary>
public static class ClusterStatusReader
{
    public static async Task<ClusterStatus> ReadAsync(ClusterWorkspace cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var plan = cluster.Plan;
        var problems = new ConcurrentBag<string>();
        var servers = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var targets = cluster.Targets();

        var serverTask = Task.WhenAll(cluster.State.Nodes.Select(async entry =>
        {
            try
            {
                var info = await cluster.Providers[entry.Value.Site].GetServerAsync(entry.Value.ServerId, cancellationToken).ConfigureAwait(false);
                servers[entry.Key] = info?.Status.ToString().ToLowerInvariant() ?? "missing";
            }
            catch (GridSpanException failure)
            {
                servers[entry.Key] = "unknown";
                problems.Add(failure.Message);
            }
        }));
        var slurmTask = Task.Run(async () =>
        {
            try
            {
                var result = await cluster.Transport.Session(targets[plan.Master]).RunAsync("sinfo -h -N -o '%N %t'", null, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    problems.Add($"node '{plan.Master}': sinfo failed: {result.StandardError.Trim()}");
                }
                return SlurmStates.Parse(result.StandardOutput);
            }
            catch (Exception failure) when (failure is GridSpanException or KeyNotFoundException)
            {
                problems.Add($"node '{plan.Master}': Slurm states unavailable: {failure.Message}");
                return [];
            }
        }, cancellationToken);
        var peerOfKey = cluster.Secrets.WireGuard.ToDictionary(p => p.Value.PublicKey, p => p.Key, StringComparer.Ordinal);
        var vpn = new ConcurrentDictionary<string, ImmutableArray<VpnPeerStatus>>(StringComparer.Ordinal);
        var vpnTask = Task.WhenAll(plan.Overlay.Members.Where(m => targets.ContainsKey(m.Node)).Select(async member =>
        {
            try
            {
                var ipsec = plan.Overlay.Kind == Config.OverlayKind.Ipsec;
                var command = ipsec ? IpsecSas.ListCommand : "date +%s; wg show wg0 latest-handshakes";
                var result = await cluster.Transport.Session(targets[member.Node]).RunAsync(command, null, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    problems.Add($"node '{member.Node}': {command} failed: {result.StandardError.Trim()}");
                    return;
                }
                vpn[member.Node] = ipsec
                    ? [.. IpsecSas.Parse(result.StandardOutput).Where(sa => sa.IsUp).GroupBy(sa => sa.Connection, StringComparer.Ordinal)
                        .Select(g => new VpnPeerStatus(g.Key, g.Min(sa => sa.EstablishedSecondsAgo))).OrderBy(p => p.Peer, StringComparer.Ordinal)]
                    : ParseHandshakes(result.StandardOutput, peerOfKey);
            }
            catch (GridSpanException failure)
            {
                problems.Add(failure.Message);
            }
        }));
        await Task.WhenAll(serverTask, slurmTask, vpnTask).ConfigureAwait(false);
        var slurm = await slurmTask.ConfigureAwait(false);

        var nodes = plan.Nodes.Select(node =>
        {
            cluster.State.Nodes.TryGetValue(node.Name, out var facts);
            var runsSlurm = node.RunsJobs;
            return new NodeStatus(
                node.Name,
                node.Role.ToString().ToLowerInvariant(),
                node.Site,
                node.OnDemand,
                node.Address.ToString(),
                facts?.PublicAddress,
                servers.GetValueOrDefault(node.Name) ?? (node.OnDemand ? "on demand" : "not created"),
                runsSlurm ? slurm.GetValueOrDefault(node.Name) : null,
                vpn.GetValueOrDefault(node.Name, []));
        }).ToImmutableArray();
        return new ClusterStatus(plan.Name, cluster.State.ClusterId, plan.Master,
            [.. plan.Sites.Select(s => new SiteStatus(s.Name, s.Provider, s.Subnet.ToString(), s.Mtu, s.VpnNode))],
            nodes, [.. problems.Order(StringComparer.Ordinal)]);
    }

    /// <summary>"now\npubkey\tepoch\n..." → one status per peer (epoch 0: never).</summary>
    public static ImmutableArray<VpnPeerStatus> ParseHandshakes(string output, IReadOnlyDictionary<string, string> peerOfKey)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(peerOfKey);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || !long.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var now))
        {
            return [];
        }
        var peers = new List<VpnPeerStatus>();
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split('\t', ' ');
            if (parts.Length >= 2 && long.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            {
                peers.Add(new VpnPeerStatus(peerOfKey.GetValueOrDefault(parts[0], parts[0]), epoch == 0 ? null : Math.Max(0, now - epoch)));
            }
        }
        return [.. peers.OrderBy(p => p.Peer, StringComparer.Ordinal)];
    }
}
