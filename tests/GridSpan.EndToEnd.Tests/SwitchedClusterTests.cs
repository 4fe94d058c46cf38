using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace GridSpan.EndToEnd.Tests;

/// <summary>
/// The vxlan overlay end to end on the local cloud (issue 14): the master and the workers in site
/// berlin, the switch alone in site hub; every node's vx0 is a VXLAN tunnel to the switch, carried
/// between the sites by WireGuard, so traffic between two workers of the same site leaves it and
/// crosses the switch. Real Slurm, munge, dnsmasq, sshfs, WireGuard, Linux bridge and VXLAN.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SwitchedClusterTests(ITestOutputHelper output)
{
    private const string Yaml = """
        name: vxe
        sites:
          - name: berlin
            provider: local
            local: { subnet: 10.61.0.0/24, mtu: 1500 }
            master: { flavor: small }
            workers:
              - { name: cpu, flavor: small, count: 2, onDemand: 1 }
          - name: hub
            provider: local
            local: { subnet: 10.62.0.0/24, mtu: 1500 }
            switch: { flavor: small }
        overlay: { kind: vxlan, cidr: 10.97.0.0/24, tunnelCidr: 10.96.0.0/24 }
        storage: { shares: [/home] }
        """;

    private const string Switch = "vxe-hub-sw";
    private const string First = "vxe-berlin-cpu-001";
    private const string Second = "vxe-berlin-cpu-002";
    private const string OnDemand = "vxe-berlin-cpu-003";

    [Fact]
    public async Task Jobs_run_across_nodes_whose_traffic_crosses_the_switch_at_the_segment_mtu_and_doctor_passes()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await TestCluster.StartAsync(Yaml);
        await cluster.CreateAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"create: {cluster.FirstCreateTime.TotalSeconds:0.0} s"));
        var segment = cluster.Plan.Overlay.Switch!;
        Assert.Equal(1500 - 80 - 50, segment.Mtu);

        var names = await cluster.RunAsync(cluster.Plan.Master, "srun -N2 -p all hostname");
        Assert.Equal([First, Second], names.Split('\n').Select(n => n.Trim()).Order(StringComparer.Ordinal).ToArray());

        // Two workers of one site: the name resolves to the segment, the route is vx0, and the bytes pass
        // the switch in at the first worker's port and out at the second's.
        var secondAddress = segment.PortOf(Second).SwitchedAddress.ToString();
        Assert.Equal(secondAddress, await cluster.RunAsync(First, $"getent ahostsv4 {Second} | awk 'NR==1 {{print $1}}'"));
        Assert.Equal("vx0", await cluster.RunAsync(First, $"ip -o route get {secondAddress} | grep -o 'dev [^ ]*' | cut -d' ' -f2"));
        var firstIn = await PortBytesAsync(cluster, segment.PortOf(First).Device, "rx");
        var secondOut = await PortBytesAsync(cluster, segment.PortOf(Second).Device, "tx");
        await cluster.RunAsync(First, $"ping -n -c 20 -i 0.05 -s 1000 -W 2 {Second}");
        Assert.InRange(await PortBytesAsync(cluster, segment.PortOf(First).Device, "rx") - firstIn, 20 * 1000, long.MaxValue);
        Assert.InRange(await PortBytesAsync(cluster, segment.PortOf(Second).Device, "tx") - secondOut, 20 * 1000, long.MaxValue);

        // Don't-fragment at the segment's MTU crosses (VXLAN inside WireGuard, both full); one byte more does not.
        var payload = segment.Mtu - 28;
        await cluster.RunAsync(First, $"ping -n -c 2 -W 2 -M do -s {payload} {secondAddress}");
        var over = await cluster.RunAsync(First, $"ping -n -c 2 -W 2 -M do -s {payload + 1} {secondAddress} 2>&1; echo exit=$?");
        Assert.DoesNotContain("exit=0", over, StringComparison.Ordinal);

        // An on-demand node has no port until Slurm starts it; then its traffic crosses its port; deleted, it loses the port.
        var onDemandPort = segment.PortOf(OnDemand).Device;
        Assert.Equal("absent", await PortStateAsync(cluster, onDemandPort));
        var ran = await cluster.RunAsync(cluster.Plan.Master, $"srun -N2 -w {First},{OnDemand} hostname");
        Assert.Equal([First, OnDemand], ran.Split('\n').Select(n => n.Trim()).Order(StringComparer.Ordinal).ToArray());
        Assert.True(await PortBytesAsync(cluster, onDemandPort, "rx") > 0, "the on-demand node's traffic entered its port");
        await cluster.RunAsync(cluster.Plan.Master, $"scontrol update nodename={OnDemand} state=power_down_force");
        var leave = Stopwatch.StartNew();
        while (await PortStateAsync(cluster, onDemandPort) != "absent")
        {
            Assert.True(leave.Elapsed < TimeSpan.FromSeconds(120), $"{onDemandPort} is still on the switch 120 s after Slurm powered {OnDemand} down");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"port gone {leave.Elapsed.TotalSeconds:0.0} s after power down"));

        var doctor = await cluster.CliAsync("doctor", cluster.Plan.Name);
        output.WriteLine(doctor.Out);
        Assert.True(doctor.ExitCode == 0, doctor.Out + doctor.Error);
        Assert.Matches(@"pass vxlan: [45] passed", doctor.Out);

        Assert.Empty(await cluster.TerminateAsync());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"whole test: {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    private static Task<string> PortStateAsync(TestCluster cluster, string device) =>
        cluster.RunAsync(Switch, $"if ip link show dev {device} >/dev/null 2>&1; then echo present; else echo absent; fi");

    private static async Task<long> PortBytesAsync(TestCluster cluster, string device, string direction)
    {
        using var json = JsonDocument.Parse(await cluster.RunAsync(Switch, $"ip -s -j link show dev {device}"));
        return json.RootElement[0].GetProperty("stats64").GetProperty(direction).GetProperty("bytes").GetInt64();
    }
}
