using System.Net;
using GridSpan.Config;
using GridSpan.Plan;

namespace GridSpan.Core.Tests;

/// <summary>A provider section with only what the core reads.</summary>
internal sealed record TestSiteSettings(IPNetwork? SubnetOrNull, int? MtuOrNull) : ProviderSiteSettings
{
    public override IPNetwork? Subnet => SubnetOrNull;

    public override int? Mtu => MtuOrNull;
}

/// <summary>Cluster specs built in code, as the loader would produce them.</summary>
internal static class TestSpecs
{
    public const string UserKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIdZ6hMDtiIBunyJSoYr8S2nAH2mGbXWydWdFvORmBFd alice@laptop";

    public static SiteSpec Site(string name, string? subnet = null, int? mtu = null, bool master = false, params WorkerGroupSpec[] workers) =>
        new(name, "local", new TestSiteSettings(subnet is null ? null : IPNetwork.Parse(subnet), mtu),
            master ? new MasterSpec("small", "debian-12", false) : null,
            master ? null : new GatewaySpec("small", "debian-12"),
            [.. workers]);

    public static WorkerGroupSpec Group(string name, int count, int onDemand = 0, string flavor = "small", params string[] features) =>
        new(name, flavor, "debian-12", count, onDemand, [.. features]);

    public static ClusterSpec Cluster(string name, params SiteSpec[] sites) =>
        new(name, new SshSpec("root", [UserKey]), [.. sites],
            new OverlaySpec(OverlayKind.WireGuard, IPNetwork.Parse("10.99.0.0/24")),
            new StorageSpec(["/home", "/vol/spool"]),
            new SlurmSpec(300, 300));

    /// <summary>The example: berlin (master, 2 static cpu, 8 on-demand big) and hamburg (gateway, 1 static + 4 on-demand cpu).</summary>
    public static ClusterSpec TwoSites() => Cluster("demo",
        Site("berlin", "10.11.0.0/24", 1500, master: true, Group("cpu", 2), Group("big", 0, 8, "large", "highmem")),
        Site("hamburg", null, null, false, Group("cpu", 1, 4)));

    /// <summary>Three sites with different MTUs, one site's subnet chosen by the planner.</summary>
    public static ClusterSpec ThreeSites() => Cluster("tri",
        Site("a", "10.11.0.0/24", 1500, master: true, Group("cpu", 1)),
        Site("b", "10.12.0.0/24", 1450, false, Group("cpu", 2, 2)),
        Site("c", null, 1400, false, Group("gpu", 0, 3, "medium", "gpu")));

    /// <summary>
    /// The vxlan overlay (issue 14): berlin holds the master, two static and two on-demand workers;
    /// the switch sits alone in hub; every node's tunnel to it crosses the WireGuard tunnel between the sites.
    /// </summary>
    public static ClusterSpec Switched(int hubMtu = 1500) => Cluster("sw",
        Site("berlin", "10.11.0.0/24", 1500, master: true, Group("cpu", 2, 2)),
        new SiteSpec("hub", "local", new TestSiteSettings(IPNetwork.Parse("10.13.0.0/24"), hubMtu), null, null, [], new SwitchSpec("small", "debian-12"))) with
    {
        Overlay = new OverlaySpec(OverlayKind.Vxlan, IPNetwork.Parse("10.99.0.0/24"), IPNetwork.Parse("10.98.0.0/24")),
    };

    public static FlavorCatalog Flavors(ClusterSpec spec)
    {
        var sizes = new Dictionary<(string, string), FlavorSize>();
        foreach (var site in spec.Sites)
        {
            sizes[(site.Name, "small")] = new FlavorSize(1, 1024);
            sizes[(site.Name, "medium")] = new FlavorSize(2, 2048);
            sizes[(site.Name, "large")] = new FlavorSize(2, 4096);
        }
        return new FlavorCatalog(sizes);
    }

    public static ClusterPlan Plan(ClusterSpec spec) => Planner.Plan(spec, Flavors(spec));
}
