using System.Diagnostics;
using System.Globalization;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Render;
using Xunit.Abstractions;

namespace GridSpan.Providers.Local.Tests;

/// <summary>
/// The configure stage against real nodes: Debian 12 containers booted with systemd by the local
/// cloud, reached exactly as cloud VMs are (OpenSSH, pinned host keys from the provider, the
/// master's floating address, the master as jump host for the private worker). The ssh client
/// runs in the local cloud's public "world" namespace, where the floating addresses live.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ConvergeOnLocalCloudTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Nodes_converge_over_ssh_a_changed_file_restarts_only_its_unit_and_a_second_run_changes_nothing()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-converge");
        var network = await sites.NetworkAsync("site-a", "10.61.0.0/24", 1500);
        var group = await sites.GroupAsync("ssh", Sites.Tcp(22));
        var master = await sites.StartAsync("master", network, group);
        var worker = await sites.StartAsync("worker", network, group);
        await test.Cloud.WaitActiveAsync(master.ServerId, TimeSpan.FromSeconds(60), None);
        await test.Cloud.WaitActiveAsync(worker.ServerId, TimeSpan.FromSeconds(60), None);
        var masterAddress = await sites.FloatingAsync(master);

        var masterTarget = SshTarget.Direct("master", masterAddress.ToString(), await HostKeysAsync(sites, master));
        var workerTarget = SshTarget.Direct("worker", worker.Address.ToString(), await HostKeysAsync(sites, worker)).Via(masterTarget);
        var runner = new NetworkNamespaceRunner(test.Cloud.Names.World, new ProcessCommandRunner());
        await using var transport = new SshTransport(
            SshTransportOptions.ForCluster(Path.Combine(test.Directory, "cluster"), test.PrivateKey, null), runner);
        var converger = new NodeConverger(new ConvergeOptions { HealthChecks = [new MungeRoundTrip()] });
        var configurator = new ClusterConfigurator(transport, converger) { ConnectWait = TimeSpan.FromSeconds(30) };
        var mungeKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        NodeAssignment[] Nodes(string dnsmasqPort) =>
        [
            new(Bundle("master", mungeKey, dnsmasqPort), masterTarget),
            new(Bundle("worker", mungeKey, dnsmasqPort), workerTarget),
        ];

        var clock = Stopwatch.StartNew();
        var first = (await configurator.ConfigureAsync(Nodes("5353"), null, None)).EnsureSuccess();
        var firstTime = clock.Elapsed;
        var mungePid = await MainPidAsync(sites, worker, "munge");
        var dnsmasqPid = await MainPidAsync(sites, worker, "dnsmasq");
        clock.Restart();
        var changed = (await configurator.ConfigureAsync(Nodes("5354"), null, None)).EnsureSuccess();
        var changedTime = clock.Elapsed;
        clock.Restart();
        var again = (await configurator.ConfigureAsync(Nodes("5354"), null, None)).EnsureSuccess();
        var againTime = clock.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first converge {firstTime.TotalSeconds:0.00} s, one file changed {changedTime.TotalSeconds:0.00} s, no change {againTime.TotalSeconds:0.00} s (2 nodes)"));

        foreach (var report in first.Reports)
        {
            Assert.Empty(report.PackagesInstalled); // the image has them
            Assert.Equal(["/etc/munge/munge.key", "/etc/dnsmasq.d/gridspan.conf"], report.FilesWritten.ToArray());
            Assert.Equal(["munge.service", "dnsmasq.service"], report.UnitsEnabled.ToArray());
        }
        Assert.Equal("active\nactive", await sites.RunCheckedAsync(worker, "systemctl is-active munge dnsmasq"));
        Assert.Contains(":5354 ", await sites.RunCheckedAsync(worker, "ss -Hlnu"), StringComparison.Ordinal);
        Assert.All(changed.Reports, report => Assert.Equal(["dnsmasq.service"], report.UnitsRestarted.ToArray()));
        Assert.Equal(mungePid, await MainPidAsync(sites, worker, "munge"));
        Assert.NotEqual(dnsmasqPid, await MainPidAsync(sites, worker, "dnsmasq"));
        Assert.False(again.Changed);
        Assert.Equal("400 munge munge", await sites.RunCheckedAsync(worker, "stat -c '%a %U %G' /etc/munge/munge.key"));
        Assert.Equal("1", await sites.RunCheckedAsync(worker, "cat /proc/sys/net/ipv4/ip_forward"));
        Assert.Equal("3", await sites.RunCheckedAsync(worker, "wc -l < /run/gridspan/commands-ran")); // commands run on every converge
    }

    [Fact]
    public async Task A_package_the_image_lacks_is_named_with_the_node_and_the_step()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-missing");
        var network = await sites.NetworkAsync("site-a", "10.62.0.0/24", 1500);
        var node = await sites.BootAsync("lonely", network, await sites.GroupAsync("ssh", Sites.Tcp(22)));
        var address = await sites.FloatingAsync(node);
        await using var transport = new SshTransport(
            SshTransportOptions.ForCluster(Path.Combine(test.Directory, "cluster"), test.PrivateKey, null), new NetworkNamespaceRunner(test.Cloud.Names.World, new ProcessCommandRunner()));
        var session = await transport.ConnectAsync(SshTarget.Direct("lonely", address.ToString(), await HostKeysAsync(sites, node)), TimeSpan.FromSeconds(30), None);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => new NodeConverger().ConvergeAsync(
            new NodeBundle("lonely", [], ["munge", "gridspan-not-in-debian"], [], []), session, null, None));

        Assert.Equal("node 'lonely': packages: package 'gridspan-not-in-debian' is not available", failure.Message);
        Assert.Contains("image", failure.Fix, StringComparison.Ordinal);
    }

    private static NodeBundle Bundle(string node, string mungeKey, string dnsmasqPort) => new(node,
        [
            BundleFile.Secret("/etc/munge/munge.key", mungeKey, owner: "munge", group: "munge", mode: 0b100_000_000),
            BundleFile.Public("/etc/dnsmasq.d/gridspan.conf", $"interface=lo\nbind-interfaces\nno-resolv\nport={dnsmasqPort}\n"),
        ],
        ["munge", "dnsmasq"],
        [
            new BundleService("munge.service", ["/etc/munge/munge.key"]),
            new BundleService("dnsmasq.service", ["/etc/dnsmasq.d/gridspan.conf"]),
        ],
        ["sysctl -q -w net.ipv4.ip_forward=1", "mkdir -p /run/gridspan && date +%s.%N >> /run/gridspan/commands-ran"]);

    private static async Task<IEnumerable<string>> HostKeysAsync(Sites sites, Node node) =>
        (await sites.Provider.GetServerAsync(node.ServerId, None))!.HostKeys;

    private static Task<string> MainPidAsync(Sites sites, Node node, string unit) =>
        sites.RunCheckedAsync(node, $"systemctl show -p MainPID --value {unit}");

    /// <summary>A role check: munge can encode and decode a credential with the cluster key.</summary>
    private sealed class MungeRoundTrip : INodeHealthCheck
    {
        public string Name => "munge round trip";

        public bool AppliesTo(NodeBundle bundle) => bundle.Services.Any(service => service.Unit == "munge.service");

        public async Task CheckAsync(NodeBundle bundle, INodeSession session, CancellationToken cancellationToken)
        {
            var result = await session.RunAsync("munge -n | unmunge >/dev/null", null, cancellationToken);
            if (!result.Succeeded)
            {
                throw GridSpanException.Failed($"node '{bundle.NodeName}': health: munge cannot encode and decode: {result.StandardError.Trim()}");
            }
        }
    }
}
