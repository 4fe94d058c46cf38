using GridSpan.Config;

namespace GridSpan.Providers.OpenStack.Check;

/// <summary>
/// What a site of a cluster takes from its project at the cluster's largest: every always-on and
/// on-demand node, its master or gateway, one port per node (plus the router's interface when
/// GridSpan creates the network), one floating IP for the master or gateway, one security group.
/// </summary>
public sealed record SiteDemand(int Instances, int Cores, long RamMiB, int FloatingIps, int Ports, int SecurityGroups, int Networks, int Subnets, int Routers)
{
    /// <summary>Security groups GridSpan creates per site.</summary>
    public const int SecurityGroupsPerSite = 1;

    /// <summary>The nodes of a site as (flavor, how many at most).</summary>
    public static IEnumerable<(string Flavor, int Count)> Nodes(SiteSpec site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (site.Master is { } master)
        {
            yield return (master.Flavor, 1);
        }
        if (site.Gateway is { } gateway)
        {
            yield return (gateway.Flavor, 1);
        }
        if (site.Switch is { } switchNode)
        {
            yield return (switchNode.Flavor, 1);
        }
        foreach (var group in site.Workers)
        {
            if (group.Count + group.OnDemand > 0)
            {
                yield return (group.Flavor, group.Count + group.OnDemand);
            }
        }
    }

    /// <summary>The images a site boots.</summary>
    public static IEnumerable<string> Images(SiteSpec site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (site.Master is { } master)
        {
            yield return master.Image;
        }
        if (site.Gateway is { } gateway)
        {
            yield return gateway.Image;
        }
        if (site.Switch is { } switchNode)
        {
            yield return switchNode.Image;
        }
        foreach (var group in site.Workers)
        {
            yield return group.Image;
        }
    }

    /// <summary>What two sites of one project take together.</summary>
    public static SiteDemand operator +(SiteDemand a, SiteDemand b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new SiteDemand(a.Instances + b.Instances, a.Cores + b.Cores, a.RamMiB + b.RamMiB, a.FloatingIps + b.FloatingIps, a.Ports + b.Ports,
            a.SecurityGroups + b.SecurityGroups, a.Networks + b.Networks, a.Subnets + b.Subnets, a.Routers + b.Routers);
    }

    public static SiteDemand Of(SiteSpec site, Func<string, (int Cpus, long MemoryMiB)?> flavorSize, bool createsNetwork)
    {
        ArgumentNullException.ThrowIfNull(flavorSize);
        int instances = 0, cores = 0;
        long ram = 0;
        foreach (var (flavor, count) in Nodes(site))
        {
            instances += count;
            if (flavorSize(flavor) is { } size)
            {
                cores += size.Cpus * count;
                ram += size.MemoryMiB * count;
            }
        }
        var floating = (site.Master is null ? 0 : 1) + (site.Gateway is null ? 0 : 1) + (site.Switch is null ? 0 : 1);
        var network = createsNetwork ? 1 : 0;
        return new SiteDemand(instances, cores, ram, floating, instances + network, SecurityGroupsPerSite, network, network, network);
    }
}
