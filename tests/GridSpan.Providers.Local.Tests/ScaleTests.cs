using GridSpan.Common;
using GridSpan.Providers.Local.Host;

namespace GridSpan.Providers.Local.Tests;

[Collection(LocalCloudCollection.Name)]
public sealed class ScaleTests
{
    [Fact]
    public async Task Twenty_servers_booted_at_once_answer_ssh_with_their_reported_host_keys_and_down_leaves_nothing_behind()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-scale");
        var site = await sites.NetworkAsync("site", "10.61.0.0/24", 1450);
        var group = await sites.GroupAsync("ssh", Sites.Tcp(22));
        await sites.StartAsync("warmup", site, group); // creates the key pair once

        var nodes = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => sites.StartAsync($"n{i:00}", site, group)));
        await Task.WhenAll(nodes.Select(n => test.Cloud.WaitActiveAsync(n.ServerId, TimeSpan.FromSeconds(120), CancellationToken.None)));

        var runner = new ProcessCommandRunner();
        var router = Cloud.Names.NetnsPath(test.Cloud.Names.Router(site.Id));
        foreach (var node in nodes)
        {
            var info = await sites.Provider.GetServerAsync(node.ServerId, CancellationToken.None);
            Assert.NotNull(info);
            Assert.Equal(2, info.HostKeys.Length);
            var knownHosts = Path.Combine(test.Directory, $"known_hosts_{node.Name}");
            await File.WriteAllLinesAsync(knownHosts, info.HostKeys.Select(k => $"{node.Address} {k}"));
            var ssh = await runner.RunAsync(new CommandRequest("nsenter",
            [
                $"--net={router}", "ssh", "-i", test.PrivateKey, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", $"UserKnownHostsFile={knownHosts}", "-o", "ConnectTimeout=5", $"root@{node.Address}", "hostname",
            ]), CancellationToken.None);
            Assert.True(ssh.Succeeded, $"ssh to {node.Name}: {ssh.StandardError}");
            Assert.Equal(node.Name, ssh.StandardOutput.Trim());
        }

        // The flavor (tiny: 1 CPU, 512 MiB) is enforced by the node's own cgroups.
        var cgroup = test.Cloud.Names.NodeCgroup(nodes[0].ServerId);
        Assert.Equal("536870912", File.ReadAllText($"/sys/fs/cgroup/memory/{cgroup}/memory.limit_in_bytes").Trim());
        Assert.Equal("100000", File.ReadAllText($"/sys/fs/cgroup/cpu/{cgroup}/cpu.cfs_quota_us").Trim());
        var init = Nodes.NodeRuntime.InitPid((await test.Cloud.GetServerAsync(nodes[0].ServerId, CancellationToken.None))!.Pid!.Value);
        Assert.Contains($"memory:/{cgroup}", File.ReadAllText($"/proc/{init}/cgroup"), StringComparison.Ordinal);

        var state = await test.Cloud.Store.ReadAsync(CancellationToken.None);
        var processes = state.Servers.Select(s => (s.Pid!.Value, s.StartTicks!.Value)).Append((state.Api!.Pid, state.Api.StartTicks)).ToList();

        await test.Cloud.DownAsync(CancellationToken.None);

        var prefix = test.Cloud.Names.Prefix + "-";
        Assert.DoesNotContain(Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns") : [], f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(test.Directory, StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.GetDirectories("/sys/fs/cgroup"), hierarchy =>
            Directory.Exists(Path.Combine(hierarchy, test.Cloud.Names.CgroupParent)));
        Assert.All(processes, p => Assert.False(Processes.IsAlive(p.Item1, p.Item2), $"process {p.Item1} still runs"));
        Assert.Empty((await test.Cloud.Store.ReadAsync(CancellationToken.None)).Servers);
    }
}
