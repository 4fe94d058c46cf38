using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Images;

namespace GridSpan.Providers.Local;

/// <summary>
/// `gridspan check` for the local cloud's sites: GridSpan runs as root (namespaces and cgroups need it),
/// each image is built or will be built by create, and the local cloud's quotas (when set) cover the
/// cluster at its largest, on-demand nodes included. Read from the local cloud's state; nothing is started.
/// </summary>
internal sealed class LocalPreflightCheck(LocalCloudOptions options, ICommandRunner runner)
{
    public async Task<ImmutableArray<CheckFinding>> CheckAsync(ClusterPlan plan, string provider, CancellationToken cancellationToken)
    {
        var sites = plan.Sites.Where(s => s.Provider == provider).ToList();
        if (sites.Count == 0)
        {
            return [];
        }
        var findings = ImmutableArray.CreateBuilder<CheckFinding>();
        var first = sites[0].Name;
        findings.Add(PrivateFiles.EffectiveUserId() == 0
            ? new CheckFinding(first, true, "GridSpan runs as root, as the local cloud's namespaces and cgroups need")
            : new CheckFinding(first, false, "GridSpan does not run as root; the local cloud's namespaces and cgroups need it", "run gridspan as root (sudo)"));

        var cloud = new LocalCloud(options, runner);
        foreach (var site in sites)
        {
            var nodes = plan.Nodes.Where(n => n.Site == site.Name).ToList();
            foreach (var image in nodes.Select(n => n.Image).Distinct(StringComparer.Ordinal))
            {
                findings.Add(ImageStore.Find(image) is not { } recipe
                    ? new CheckFinding(site.Name, false, $"the local cloud has no image '{image}'",
                        "use " + string.Join(" or ", ImageRecipe.All.Select(r => r.Name)))
                    : cloud.Images.IsBuilt(recipe)
                        ? new CheckFinding(site.Name, true, $"image {image} is built")
                        : new CheckFinding(site.Name, true, $"image {image} is not built yet: create builds it first (a few minutes, from the package mirror)"));
            }
        }

        var quota = File.Exists(Path.Combine(options.StateDirectory, "state.json"))
            ? (await cloud.Store.ReadAsync(cancellationToken).ConfigureAwait(false)).Quota
            : new QuotaRecord(null, null);
        var servers = plan.Nodes.Count(n => sites.Any(s => s.Name == n.Site));
        if (quota.MaxServersPerCluster is { } perCluster)
        {
            findings.Add(servers <= perCluster
                ? new CheckFinding(first, true, $"quota: {servers} servers at most, of {perCluster} per cluster")
                : new CheckFinding(first, false, $"quota: the cluster needs up to {servers} servers in the local cloud, which allows {perCluster} per cluster",
                    $"raise it with `gridspan localcloud quota --servers-per-cluster {servers}`, or make the cluster smaller"));
        }
        if (quota.MaxServersPerNetwork is { } perNetwork)
        {
            foreach (var site in sites)
            {
                var count = plan.Nodes.Count(n => n.Site == site.Name);
                findings.Add(count <= perNetwork
                    ? new CheckFinding(site.Name, true, $"quota: {count} servers at most, of {perNetwork} per network")
                    : new CheckFinding(site.Name, false, $"quota: the site needs up to {count} servers on its network, which allows {perNetwork}",
                        $"raise it with `gridspan localcloud quota --servers-per-site {count}`, or make the site smaller"));
            }
        }
        return findings.ToImmutable();
    }
}
