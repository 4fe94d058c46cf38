using System.Collections.Immutable;
using System.Runtime.Versioning;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Render;

/// <summary>
/// The rendered wg0.conf files and routes scripts, brought up with the real wg-quick (wireguard-go,
/// as the kernel here has no WireGuard) in network namespaces this test creates and deletes: three
/// sites, a VPN node and a worker in each, the VPN nodes joined over a test-only "public" bridge.
/// Needs root; every address lives inside the test's namespaces.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TunnelTests : IDisposable
{
    private static readonly string[] Sites = ["a", "b", "c"];
    private readonly string _prefix = $"gsw{Environment.ProcessId % 10000}{Guid.NewGuid().ToString("N")[..4]}";
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("gridspan-tunnel-");
    private readonly List<string> _namespaces = [];

    private string Ns(string name) => $"{_prefix}{name}";

    [Fact]
    public void Workers_of_every_site_reach_each_other_through_the_mesh_within_the_planned_mtu_and_gateways_skip_the_master()
    {
        var spec = TestSpecs.Cluster("w",
            TestSpecs.Site("a", "10.11.0.0/24", 1500, master: true, TestSpecs.Group("cpu", 1)),
            TestSpecs.Site("b", "10.12.0.0/24", 1450, false, TestSpecs.Group("cpu", 1)),
            TestSpecs.Site("c", "10.13.0.0/24", 1500, false, TestSpecs.Group("cpu", 1)));
        var plan = TestSpecs.Plan(spec);
        var secrets = new SecretGenerator(SystemRandomSource.Instance).Generate(plan);
        var vpnNodes = plan.Overlay.Members.Select(m => m.Node).ToList();
        var publicAddress = vpnNodes.Select((node, i) => (node, $"192.0.2.{i + 1}")).ToDictionary(p => p.node, p => p.Item2);
        var facts = new ClusterFacts(publicAddress.ToImmutableSortedDictionary(StringComparer.Ordinal));
        var renderer = new ClusterRenderer(plan, secrets, facts, _ => RenderOptions.DebianContainer);

        // The "public" segment: a bridge in a namespace of its own.
        Create("pub");
        Ip("pub", "link", "add", "br0", "type", "bridge");
        Ip("pub", "link", "set", "br0", "up");
        foreach (var site in Sites)
        {
            var vpn = Create($"{site}v");
            var worker = Create($"{site}w");
            var sitePlan = plan.Site(site);
            var vpnNode = plan.FindNode(sitePlan.VpnNode)!;
            var workerNode = plan.Nodes.Single(n => n.Site == site && n.Role == NodeRole.Worker);
            Tool.Run("ip", ["link", "add", "eth0", "netns", vpn, "type", "veth", "peer", "name", "eth0", "netns", worker], "");
            Ip($"{site}v", "addr", "add", $"{vpnNode.Address}/{sitePlan.Subnet.PrefixLength}", "dev", "eth0");
            Ip($"{site}w", "addr", "add", $"{workerNode.Address}/{sitePlan.Subnet.PrefixLength}", "dev", "eth0");
            Tool.Run("ip", ["link", "add", "pub0", "netns", vpn, "type", "veth", "peer", $"{site}-pub", "netns", Ns("pub")], "");
            Ip("pub", "link", "set", $"{site}-pub", "master", "br0", "up");
            Ip($"{site}v", "addr", "add", $"{publicAddress[vpnNode.Name]}/24", "dev", "pub0");
            foreach (var (ns, link) in new[] { ($"{site}v", "eth0"), ($"{site}v", "pub0"), ($"{site}v", "lo"), ($"{site}w", "eth0"), ($"{site}w", "lo") })
            {
                Ip(ns, "link", "set", link, "up");
            }
            Tool.Run("ip", ["netns", "exec", vpn, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"], "");

            var workerScript = Write($"{workerNode.Name}.routes", File(renderer, workerNode.Name, NodePaths.RoutesScript));
            Tool.Run("ip", ["netns", "exec", worker, "sh", workerScript], "");

            var vpnScript = Write($"{vpnNode.Name}.routes", File(renderer, vpnNode.Name, NodePaths.RoutesScript));
            var wg0 = File(renderer, vpnNode.Name, NodePaths.WireGuardConf)
                .Replace($"PostUp = {NodePaths.RoutesScript}", $"PostUp = sh {vpnScript}", StringComparison.Ordinal);
            var conf = Write(Path.Combine(vpnNode.Name, "wg0.conf"), wg0);
            // wireguard-go keeps its control socket in /run/wireguard: a private one per namespace.
            Tool.Run("ip", ["netns", "exec", vpn, "unshare", "-m", "--propagation", "private", "sh", "-c",
                $"mkdir -p /run/wireguard && mount -t tmpfs gridspan-test /run/wireguard && wg-quick up {conf}"], "");
        }

        // Every worker reaches every other site's worker, and the VPN nodes' overlay addresses.
        foreach (var from in Sites)
        {
            foreach (var to in Sites.Where(s => s != from))
            {
                var target = plan.Nodes.Single(n => n.Site == to && n.Role == NodeRole.Worker).Address.ToString();
                PingUntilAnswered(from, target);
            }
            PingUntilAnswered(from, plan.MasterNode.OverlayAddress!.ToString());
        }

        // Site b (MTU 1450) to site c (1500): link MTU 1450 - 80 = 1370. A 1370-byte packet with DF
        // crosses; a larger one is refused by the route before it leaves the worker.
        var linkMtu = plan.Overlay.Links.Single(l => l.From == "w-b-gw" && l.To == "w-c-gw").Mtu;
        Assert.Equal(1370, linkMtu);
        var workerC = plan.Nodes.Single(n => n.Site == "c" && n.Role == NodeRole.Worker).Address.ToString();
        Ping("b", workerC, ["-M", "do", "-s", (linkMtu - 28).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.ThrowsAny<InvalidOperationException>(() =>
            Ping("b", workerC, ["-M", "do", "-s", (linkMtu - 27).ToString(System.Globalization.CultureInfo.InvariantCulture)]));

        // Gateway to gateway: the recorded route from b to c names both gateways and never the master.
        var recorded = Ping("b", workerC, ["-R"]);
        Assert.Contains("\t10.12.0.10\n\t10.13.0.10\n", recorded, StringComparison.Ordinal);
        Assert.Contains("ttl=62", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("10.11.", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("10.99.0.1\n", recorded, StringComparison.Ordinal);
    }

    /// <summary>The first packets wait for WireGuard handshakes: allow a few seconds.</summary>
    private void PingUntilAnswered(string site, string target)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Ping(site, target, []);
                return;
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
                Thread.Sleep(500);
            }
        }
    }

    private string Ping(string site, string target, string[] options) =>
        Tool.Run("ip", ["netns", "exec", Ns($"{site}w"), "ping", "-c", "1", "-W", "3", .. options, target], "");

    private string Create(string name)
    {
        var ns = Ns(name);
        Tool.Run("ip", ["netns", "add", ns], "");
        _namespaces.Add(ns);
        return ns;
    }

    private string Ip(string name, params string[] arguments) => Tool.Run("ip", ["-n", Ns(name), .. arguments], "");

    private static string File(ClusterRenderer renderer, string node, string path) =>
        renderer.Render(node).Bundle.Files.Single(f => f.Path == path).Content;

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_files.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    public void Dispose()
    {
        // wireguard-go runs detached inside the VPN namespaces: stop what this test started there, then delete the namespaces.
        foreach (var ns in _namespaces)
        {
            foreach (var pid in Tool.Run("ip", ["netns", "pids", ns], "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                    process.Kill();
                    process.WaitForExit(5000);
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
        }
        foreach (var ns in _namespaces)
        {
            Tool.Run("ip", ["netns", "delete", ns], "");
        }
        _files.Delete(recursive: true);
    }
}
