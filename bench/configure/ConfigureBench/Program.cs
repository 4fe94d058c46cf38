using System.Diagnostics;
using System.Globalization;
using System.Net;
using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Providers.Local;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Images;
using GridSpan.Provision;
using GridSpan.Render;

var none = CancellationToken.None;
var workers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
var runner = new ProcessCommandRunner();
var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
var directory = Path.Combine(Path.GetTempPath(), $"gridspan-configure-bench-{id}");
Directory.CreateDirectory(directory);
var cloud = new LocalCloud(LocalCloudOptions.Default with { StateDirectory = Path.Combine(directory, "state"), Prefix = $"c{id}" }, runner);
await cloud.Images.EnsureBuiltAsync(ImageRecipe.Debian12, line => Console.Error.WriteLine("  " + line), force: false, none);
try
{
    var key = Path.Combine(directory, "id_ed25519");
    await runner.RunCheckedAsync(CommandRequest.Of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key), none);
    var site = await cloud.CreateNetworkAsync("site", "bench", IPNetwork.Parse("10.98.0.0/24"), 1500, none);
    var group = await cloud.CreateSecurityGroupAsync("ssh", "bench", [new SecurityRule(IpProtocol.Tcp, 22, 22, IPNetwork.Parse("0.0.0.0/0"))], none);
    await cloud.CreateKeyPairAsync("bench", "bench", File.ReadAllText(key + ".pub").Trim(), none);

    async Task<(ServerRecord Server, PortRecord Port)> BootAsync(string name)
    {
        var port = await cloud.CreatePortAsync(name, "bench", site.Id, null, [group.Id], [], none);
        var server = await cloud.CreateServerAsync(name, "bench", "debian-12", "tiny", port.Id, "bench", null, new Dictionary<string, string>(), none);
        return (await cloud.WaitActiveAsync(server.Id, TimeSpan.FromMinutes(3), none), port);
    }

    var booted = await Task.WhenAll(Enumerable.Range(1, workers).Select(i => $"worker-{i:00}").Prepend("master").Select(BootAsync));
    var floating = await cloud.CreateFloatingIpAsync("master-fip", "bench", booted[0].Port.Id, none);
    var master = SshTarget.Direct("master", floating.Address.ToString(), booted[0].Server.HostKeys);
    var targets = booted.Skip(1).Select(node => SshTarget.Direct(node.Server.Name, node.Port.Address.ToString(), node.Server.HostKeys).Via(master)).Prepend(master).ToList();

    await using var transport = new SshTransport(SshTransportOptions.ForCluster(Path.Combine(directory, "cluster"), key), new NetworkNamespaceRunner(cloud.Names.World, runner));
    var configurator = new ClusterConfigurator(transport, new NodeConverger());
    var mungeKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
    List<NodeAssignment> Nodes(int generation) => [.. targets.Select(target => new NodeAssignment(Bundle(target.NodeName, mungeKey, generation), target))];

    async Task<ClusterConvergeResult> TimeAsync(string what, int generation)
    {
        var clock = Stopwatch.StartNew();
        var result = (await configurator.ConfigureAsync(Nodes(generation), null, none)).EnsureSuccess();
        var perNode = result.Reports.Select(report => report.Elapsed.TotalSeconds).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-34} {clock.Elapsed.TotalSeconds,6:0.00} s for {result.Reports.Length} nodes (per node: median {perNode[perNode.Count / 2]:0.00} s, max {perNode[^1]:0.00} s); changed: {result.Changed}"));
        return result;
    }

    await TimeAsync("first converge (unmask, 12 files):", 1);
    await TimeAsync("one file changed (1 restart):", 2);
    await TimeAsync("no change:", 2);
}
finally
{
    await cloud.DownAsync(none);
    Directory.Delete(directory, recursive: true);
}

static NodeBundle Bundle(string node, string mungeKey, int generation)
{
    var files = new List<BundleFile>
    {
        BundleFile.Secret("/etc/munge/munge.key", mungeKey, owner: "munge", group: "munge", mode: 0b100_000_000),
        BundleFile.Public("/etc/dnsmasq.d/gridspan.conf", $"interface=lo\nbind-interfaces\nno-resolv\nport={5300 + generation}\n"),
    };
    files.AddRange(Enumerable.Range(1, 10).Select(index => BundleFile.Public($"/etc/gridspan/bench/{index}.conf", $"{node} {index}\n")));
    return new NodeBundle(node, [.. files], ["munge", "dnsmasq"],
        [new BundleService("munge.service", ["/etc/munge/munge.key"]), new BundleService("dnsmasq.service", ["/etc/dnsmasq.d/gridspan.conf"])],
        ["mkdir -p /run/gridspan"]);
}
