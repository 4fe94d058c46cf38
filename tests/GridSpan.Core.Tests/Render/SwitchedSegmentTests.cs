using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using GridSpan.Doctor.Checks;
using GridSpan.Plan;
using GridSpan.Render;

namespace GridSpan.Core.Tests.Render;

/// <summary>
/// The rendered vxlan scripts run for real in network namespaces this test creates and deletes: the
/// master, two workers and the switch on one test bridge standing in for the underlay. Proves the
/// nodes reach each other only through the switch's ports, at the planned MTU, and that the switch
/// script is idempotent. Needs root; every address lives inside the test's namespaces.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SwitchedSegmentTests : IDisposable
{
    private static readonly ClusterPlan Plan = VxlanRenderTests.Switched;
    private readonly string _prefix = $"gsx{Environment.ProcessId % 10000}{Guid.NewGuid().ToString("N")[..4]}";
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("gridspan-vxlan-");
    private readonly List<string> _namespaces = [];

    private const string Switch = "sw-hub-sw";
    private const string First = "sw-berlin-cpu-001";
    private const string Second = "sw-berlin-cpu-002";

    [Fact]
    public void Nodes_reach_each_other_through_their_ports_on_the_switch_at_the_planned_mtu()
    {
        BuildSegment();
        var segment = Plan.Overlay.Switch!;
        var first = segment.PortOf(First);
        var second = segment.PortOf(Second);

        PingUntilAnswered(Plan.Master, segment.Address.ToString());
        var (firstIn, secondOut) = (Counter(first.Device, "rx"), Counter(second.Device, "tx"));
        Ping(First, second.SwitchedAddress.ToString(), ["-c", "20", "-i", "0.05", "-s", "1000"]);
        // The frames entered the switch by the first node's port and left it by the second's.
        Assert.True(Counter(first.Device, "rx") - firstIn >= 20 * 1000, "the first node's port on the switch received the pings");
        Assert.True(Counter(second.Device, "tx") - secondOut >= 20 * 1000, "the second node's port on the switch sent them on");
        Assert.Equal(segment.Mtu.ToString(CultureInfo.InvariantCulture), Ip(First, "-j", "link", "show", "vx0").Split("\"mtu\":")[1].Split(',')[0]);

        // The segment's MTU with don't-fragment crosses; one byte more is refused.
        Ping(First, second.SwitchedAddress.ToString(), ["-M", "do", "-s", (segment.Mtu - 28).ToString(CultureInfo.InvariantCulture)]);
        Assert.ThrowsAny<InvalidOperationException>(() =>
            Ping(First, second.SwitchedAddress.ToString(), ["-M", "do", "-s", (segment.Mtu - 27).ToString(CultureInfo.InvariantCulture)]));

        // Run again, the switch keeps its ports (same interface index) and drops one no longer planned.
        var index = Ip(Switch, "-j", "link", "show", first.Device).Split("\"ifindex\":")[1].Split(',')[0];
        Ip(Switch, "link", "add", "vx99", "type", "vxlan", "id", "99", "remote", "10.11.0.99", "dstport", "4789");
        Run(Switch, NodePaths.VxlanScript);
        Assert.Equal(index, Ip(Switch, "-j", "link", "show", first.Device).Split("\"ifindex\":")[1].Split(',')[0]);
        Assert.Throws<InvalidOperationException>(() => Ip(Switch, "link", "show", "vx99"));
        Ping(First, second.SwitchedAddress.ToString(), []);
    }

    [Fact]
    public void Doctors_vxlan_check_passes_on_the_segment_and_names_the_node_or_port_that_breaks()
    {
        BuildSegment();
        var segment = Plan.Overlay.Switch!;
        var node = Plan.FindNode(First)!;
        PingUntilAnswered(First, segment.Address.ToString());

        var healthy = VxlanCheck.JudgeNode(segment, node, Shell(First, VxlanCheck.NodeScript(segment)));
        Assert.True(healthy.Passed, healthy.Evidence);
        Assert.Contains("0% packet loss", healthy.Evidence, StringComparison.Ordinal);
        var running = new HashSet<string>([Plan.Master, First, Second, Switch], StringComparer.Ordinal);
        var switchHealthy = VxlanCheck.JudgeSwitch(segment, Shell(Switch, VxlanCheck.SwitchScript), running);
        Assert.True(switchHealthy.Passed, switchHealthy.Evidence);

        // A node whose tunnel lost MTU is named with the MTU it has.
        Ip(First, "link", "set", "dev", "vx0", "mtu", "1300");
        var lowered = VxlanCheck.JudgeNode(segment, node, Shell(First, VxlanCheck.NodeScript(segment)));
        Assert.False(lowered.Passed);
        Assert.Equal(First, lowered.Subject);
        Assert.Contains($"MTU 1300, planned {segment.Mtu}", lowered.Evidence, StringComparison.Ordinal);

        // A switch that lost a node's port names the port and the node; the node then gets no answer.
        Ip(First, "link", "set", "dev", "vx0", "mtu", segment.Mtu.ToString(CultureInfo.InvariantCulture));
        Ip(Switch, "link", "del", "dev", segment.PortOf(First).Device);
        var switchBroken = VxlanCheck.JudgeSwitch(segment, Shell(Switch, VxlanCheck.SwitchScript), running);
        Assert.False(switchBroken.Passed);
        Assert.Contains($"{segment.PortOf(First).Device} ({First})", switchBroken.Evidence, StringComparison.Ordinal);
        var cut = VxlanCheck.JudgeNode(segment, node, Shell(First, VxlanCheck.NodeScript(segment)));
        Assert.False(cut.Passed);
        Assert.Contains("the switch does not answer", cut.Evidence, StringComparison.Ordinal);
    }

    private string Shell(string node, string script)
    {
        var path = Path.Combine(_files.FullName, $"{node}.check.sh");
        File.WriteAllText(path, script + "\ntrue\n");
        return Tool.Run("ip", ["netns", "exec", Ns(node), "sh", path], "");
    }

    private void BuildSegment()
    {
        Create("lan");
        Ip("lan", "link", "add", "br0", "type", "bridge");
        Ip("lan", "link", "set", "br0", "up");
        foreach (var node in new[] { Plan.Master, First, Second, Switch })
        {
            var ns = Create(node);
            var address = Plan.FindNode(node)!.Address;
            Tool.Run("ip", ["link", "add", "eth0", "netns", ns, "type", "veth", "peer", $"p{_namespaces.Count}", "netns", Ns("lan")], "");
            Ip("lan", "link", "set", $"p{_namespaces.Count}", "master", "br0", "up");
            // One flat underlay: the sites' subnets share the test bridge.
            Ip(node, "addr", "add", $"{address}/8", "dev", "eth0");
            Ip(node, "link", "set", "eth0", "up");
            Ip(node, "link", "set", "lo", "up");
            Run(node, NodePaths.VxlanScript);
        }
    }

    private long Counter(string device, string direction)
    {
        using var json = JsonDocument.Parse(Ip(Switch, "-s", "-j", "link", "show", device));
        return json.RootElement[0].GetProperty("stats64").GetProperty(direction).GetProperty("bytes").GetInt64();
    }

    private void Run(string node, string path)
    {
        var script = Path.Combine(_files.FullName, $"{node}.sh");
        File.WriteAllText(script, VxlanRenderTests.File(node, path));
        Tool.Run("ip", ["netns", "exec", Ns(node), "sh", script], "");
    }

    private void PingUntilAnswered(string node, string target)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Ping(node, target, []);
                return;
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
                Thread.Sleep(300);
            }
        }
    }

    private string Ping(string node, string target, string[] options) =>
        Tool.Run("ip", ["netns", "exec", Ns(node), "ping", "-n", "-c", "1", "-W", "3", .. options, target], "");

    private string Ns(string name) => $"{_prefix}{_namespaceIndex.GetValueOrDefault(name)}";

    private readonly Dictionary<string, int> _namespaceIndex = new(StringComparer.Ordinal);

    private string Create(string name)
    {
        _namespaceIndex[name] = _namespaceIndex.Count;
        var ns = Ns(name);
        Tool.Run("ip", ["netns", "add", ns], "");
        _namespaces.Add(ns);
        return ns;
    }

    private string Ip(string name, params string[] arguments) => Tool.Run("ip", ["-n", Ns(name), .. arguments], "");

    public void Dispose()
    {
        foreach (var ns in _namespaces)
        {
            Tool.Run("ip", ["netns", "delete", ns], "");
        }
        _files.Delete(recursive: true);
    }
}
