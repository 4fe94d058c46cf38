using System.Diagnostics;
using System.Runtime.Versioning;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Render;

/// <summary>
/// The rendered dnsmasq configuration and hosts, served by a real dnsmasq in a namespace standing in
/// for the master, queried with the rendered resolv.conf from a namespace in another site's subnet
/// (routed, not on a subnet local to the master). Started with --local-service as Debian's init
/// does. Needs root; everything lives in the test's namespaces and is removed afterwards.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DnsServiceTests : IDisposable
{
    private readonly string _master = $"gsd{Environment.ProcessId % 10000}{Guid.NewGuid().ToString("N")[..4]}m";
    private readonly string _remote;
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("gridspan-dns-");
    private readonly List<string> _namespaces = [];
    private Process? _dnsmasq;

    public DnsServiceTests()
    {
        _remote = _master[..^1] + "r";
    }

    [Fact]
    public void Every_node_name_resolves_from_another_site_through_the_masters_dnsmasq()
    {
        var plan = TestSpecs.Plan(TestSpecs.TwoSites());
        var secrets = new SecretGenerator(new DeterministicRandomSource("dns")).Generate(plan);
        var renderer = new ClusterRenderer(plan, secrets, ClusterFacts.None, _ => RenderOptions.DebianContainer);
        var master = renderer.Render("demo-master").Bundle;
        var worker = renderer.Render("demo-hamburg-cpu-003").Bundle;

        foreach (var ns in new[] { _master, _remote })
        {
            Tool.Run("ip", ["netns", "add", ns], "");
            _namespaces.Add(ns);
            Tool.Run("ip", ["-n", ns, "link", "set", "lo", "up"], "");
        }
        // The master: its site address on eth0, and a link named wg0 (a veth here) towards site hamburg.
        Tool.Run("ip", ["link", "add", "eth0", "netns", _master, "type", "veth", "peer", "name", "site0", "netns", _master], "");
        Tool.Run("ip", ["-n", _master, "addr", "add", "10.11.0.10/24", "dev", "eth0"], "");
        Tool.Run("ip", ["link", "add", "wg0", "netns", _master, "type", "veth", "peer", "name", "eth0", "netns", _remote], "");
        Tool.Run("ip", ["-n", _master, "addr", "add", "10.99.0.1/24", "dev", "wg0"], "");
        Tool.Run("ip", ["-n", _remote, "addr", "add", "10.12.0.13/24", "dev", "eth0"], "");
        foreach (var (ns, link) in new[] { (_master, "eth0"), (_master, "site0"), (_master, "wg0"), (_remote, "eth0") })
        {
            Tool.Run("ip", ["-n", ns, "link", "set", link, "up"], "");
        }
        Tool.Run("ip", ["-n", _master, "route", "add", "10.12.0.0/24", "dev", "wg0", "src", "10.11.0.10"], "");
        Tool.Run("ip", ["-n", _remote, "route", "add", "10.11.0.0/24", "dev", "eth0"], "");

        var hostsDirectory = Directory.CreateDirectory(Path.Combine(_files.FullName, "dns"));
        File.SetUnixFileMode(_files.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(hostsDirectory.FullName, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(hostsDirectory.FullName, "cluster.hosts"), Content(master, NodePaths.DnsHosts));
        var conf = Path.Combine(_files.FullName, "gridspan.conf");
        File.WriteAllText(conf, Content(master, NodePaths.DnsmasqConf).Replace($"hostsdir={NodePaths.DnsHostsDir}", $"hostsdir={hostsDirectory.FullName}", StringComparison.Ordinal));

        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "netns", "exec", _master, "dnsmasq", "--keep-in-foreground", "--local-service", "--pid-file", "-C", conf })
        {
            start.ArgumentList.Add(argument);
        }
        _dnsmasq = Process.Start(start)!;

        // The rendered resolv.conf of a hamburg worker, seen by processes in the remote namespace (ip netns exec binds it).
        var netnsEtc = Directory.CreateDirectory($"/etc/netns/{_remote}");
        File.WriteAllText(Path.Combine(netnsEtc.FullName, "resolv.conf"), Content(worker, NodePaths.ResolvConf));

        foreach (var name in new[] { "demo-master", "demo-berlin-big-008", "demo-hamburg-cpu-005.demo.gridspan", "demo-hamburg-gw" })
        {
            var expected = plan.FindNode(name.Split('.')[0])!.Address.ToString();
            Assert.StartsWith(expected + " ", Resolve(name), StringComparison.Ordinal);
        }
        Assert.Throws<InvalidOperationException>(() => Tool.Run("ip", ["netns", "exec", _remote, "getent", "hosts", "demo-nowhere-001"], ""));
    }

    private string Resolve(string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Tool.Run("ip", ["netns", "exec", _remote, "getent", "hosts", name], "");
            }
            catch (InvalidOperationException) when (attempt < 20)
            {
                Thread.Sleep(250); // dnsmasq is still starting
            }
        }
    }

    private static string Content(NodeBundle bundle, string path) => bundle.Files.Single(f => f.Path == path).Content;

    public void Dispose()
    {
        if (_dnsmasq is { } dnsmasq)
        {
            if (!dnsmasq.HasExited)
            {
                dnsmasq.Kill(entireProcessTree: true);
                dnsmasq.WaitForExit(5000);
            }
            dnsmasq.Dispose();
        }
        foreach (var ns in _namespaces)
        {
            Tool.Run("ip", ["netns", "delete", ns], "");
        }
        if (Directory.Exists($"/etc/netns/{_remote}"))
        {
            Directory.Delete($"/etc/netns/{_remote}", recursive: true);
        }
        _files.Delete(recursive: true);
    }
}
