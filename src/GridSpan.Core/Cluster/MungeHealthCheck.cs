using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Render;

namespace GridSpan.Cluster;

/// <summary>A Slurm node's munge can encode and decode a credential with the cluster's key.</summary>
public sealed class MungeHealthCheck : INodeHealthCheck
{
    public string Name => "munge round trip";

    public bool AppliesTo(NodeBundle bundle) => bundle?.Services.Any(s => s.Unit == "munge.service") == true;

    public async Task CheckAsync(NodeBundle bundle, INodeSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(session);
        var result = await session.RunAsync("munge -n | unmunge >/dev/null", null, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw GridSpanException.Failed($"node '{bundle.NodeName}': health: munge cannot encode and decode a credential: {result.StandardError.Trim()}",
                "look at `journalctl -u munge` on the node; the key is /etc/munge/munge.key (mode 0400, owner munge)");
        }
    }
}
