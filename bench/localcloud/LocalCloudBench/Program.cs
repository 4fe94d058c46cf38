using System.Diagnostics;
using System.Globalization;
using System.Net;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Images;
using GridSpan.Providers.Local;

// Boot to SSH = from CreateServer until the server's sshd answers with its banner (status active).
var none = CancellationToken.None;
var runner = new ProcessCommandRunner();
var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
var directory = Path.Combine(Path.GetTempPath(), $"gridspan-localcloud-bench-{id}");
Directory.CreateDirectory(directory);
var options = LocalCloudEnvironment.Options(HostEnvironment.FromProcess()) with { StateDirectory = Path.Combine(directory, "state"), Prefix = $"b{id}" };
var cloud = new LocalCloud(options, runner, Console.Error.WriteLine);
var clock = Stopwatch.StartNew();
var image = await cloud.Images.EnsureBuiltAsync(ImageRecipe.Debian12, line => Console.Error.WriteLine("  " + line), force: false, none);
Console.WriteLine(image.Built
    ? $"image build:              {image.Elapsed.TotalSeconds:0.0} s, {image.SizeBytes / 1048576.0:0} MiB"
    : $"image:                    cached ({image.SizeBytes / 1048576.0:0} MiB)");
try
{
    await runner.RunCheckedAsync(CommandRequest.Of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(directory, "key")), none);
    var key = File.ReadAllText(Path.Combine(directory, "key.pub")).Trim();
    var site = await cloud.CreateNetworkAsync("bench", "bench", IPNetwork.Parse("10.99.0.0/24"), 1500, none);
    var group = await cloud.CreateSecurityGroupAsync("ssh", "bench", [new SecurityRule(IpProtocol.Tcp, 22, 22, IPNetwork.Parse("0.0.0.0/0"))], none);
    await cloud.CreateKeyPairAsync("bench", "bench", key, none);

    var started = new List<double>();
    async Task<TimeSpan> BootAsync(string name)
    {
        var start = Stopwatch.StartNew();
        var port = await cloud.CreatePortAsync(name, "bench", site.Id, null, [group.Id], [], none);
        var server = await cloud.CreateServerAsync(name, "bench", "debian-12", "tiny", port.Id, "bench", null, new Dictionary<string, string>(), none);
        lock (started)
        {
            started.Add(start.Elapsed.TotalSeconds);
        }
        await cloud.WaitActiveAsync(server.Id, TimeSpan.FromMinutes(3), none);
        return start.Elapsed;
    }

    var one = await BootAsync("single");
    Console.WriteLine($"one server to SSH:        {one.TotalSeconds:0.00} s (create call returned after {started[0]:0.00} s)");
    started.Clear();

    var all = Stopwatch.StartNew();
    var times = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => BootAsync($"n{i:00}")));
    Console.WriteLine($"20 servers at once:       {all.Elapsed.TotalSeconds:0.00} s until all answer SSH " +
                      $"(each: median {times.Order().ElementAt(10).TotalSeconds:0.00} s, max {times.Max().TotalSeconds:0.00} s; " +
                      $"all create calls returned after {started.Max():0.00} s)");
    Console.WriteLine($"host load average:        {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (on {Environment.ProcessorCount} cores)");

    await Task.Delay(TimeSpan.FromSeconds(10));
    var state = await cloud.Store.ReadAsync(none);
    var memory = state.Servers.Select(s => Path.Combine("/sys/fs/cgroup/memory", cloud.Names.NodeCgroup(s.Id), "memory.usage_in_bytes"))
        .Where(File.Exists).Select(p => long.Parse(File.ReadAllText(p).Trim(), CultureInfo.InvariantCulture) / 1048576.0).Order().ToList();
    var rss = state.Servers.Select(s => Path.Combine("/sys/fs/cgroup/memory", cloud.Names.NodeCgroup(s.Id), "memory.stat"))
        .Where(File.Exists).Select(p => File.ReadLines(p).First(l => l.StartsWith("total_rss ", StringComparison.Ordinal)).Split(' ')[1])
        .Select(v => long.Parse(v, CultureInfo.InvariantCulture) / 1048576.0).Order().ToList();
    if (memory.Count > 0)
    {
        Console.WriteLine($"memory per idle server:   median {memory[memory.Count / 2]:0.0} MiB (cgroup usage incl. page cache), " +
                          $"median {rss[rss.Count / 2]:0.0} MiB RSS; {memory.Count} servers after 10 s idle");
    }
}
finally
{
    var down = Stopwatch.StartNew();
    await cloud.DownAsync(none);
    Console.WriteLine($"localcloud down:          {down.Elapsed.TotalSeconds:0.00} s for everything ({clock.Elapsed.TotalSeconds:0} s in all)");
    if (!File.ReadAllText("/proc/self/mountinfo").Contains(directory, StringComparison.Ordinal))
    {
        Directory.Delete(directory, recursive: true);
    }
}
