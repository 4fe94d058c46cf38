using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Provision;
using Xunit.Abstractions;

namespace GridSpan.EndToEnd.Tests;

/// <summary>
/// On-demand nodes for real: Slurm on the master runs `gridspan node resume|suspend|fail` (the
/// self-contained binary `create` installed), which calls the local cloud's API from the master.
/// Each test leaves every on-demand node powered down and without a server.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ElasticClusterTests(ElasticClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ElasticClusterFixture>
{
    private const string Master = "el-master";
    private static readonly string[] OnDemand = ["el-alpha-cpu-001", "el-alpha-cpu-002", "el-beta-cpu-001", "el-beta-cpu-002", "el-beta-cpu-003"];

    private TestCluster Cluster => fixture.Cluster;

    private string ClusterId => Cluster.Store.Require(Cluster.Plan.Name).ClusterId;

    [Fact]
    public async Task A_job_for_the_second_sites_partition_starts_a_node_there_which_is_deleted_after_the_suspend_time()
    {
        await WaitAllPoweredDownAsync();
        var clock = Stopwatch.StartNew();
        // As the cluster user, whom ssh.sudo gives sudo: the new node has his account and his sudo rule.
        var lines = (await Cluster.RunAsync(Master, "su - bob -c 'timeout 120 srun -p beta -N1 sh -c \"hostname; id -un; sudo -n id -un\"'"))
            .Split('\n').Select(l => l.Trim()).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"srun on a powered-down node: {clock.Elapsed.TotalSeconds:0.0} s"));
        var ran = lines[0];
        Assert.StartsWith("el-beta-cpu-", ran, StringComparison.Ordinal);
        Assert.Equal(["bob", "root"], lines[1..]);
        Assert.Contains(await ServersAsync(), s => s.Name == ran);

        await WaitUntilAsync(async () => !(await ServersAsync()).Any(s => s.Name == ran), TimeSpan.FromSeconds(150), $"the server of {ran} is deleted after the suspend time");
        await WaitAllPoweredDownAsync();
        var log = await Cluster.RunAsync(Master, "cat /var/log/gridspan/elastic.log");
        Assert.Contains($"resume {ran}: ready in", log, StringComparison.Ordinal);
        Assert.Contains($"suspend {ran}: deleted server", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_job_on_a_powered_down_node_is_launched_when_the_node_registered_not_at_slurms_periodic_check()
    {
        await WaitAllPoweredDownAsync();
        var job = await Cluster.RunAsync(Master, "sbatch --parsable -p alpha -N1 -o /dev/null --wrap true");
        await WaitUntilAsync(async () => (await Cluster.RunAsync(Master, $"squeue -h -j {job} -o %i 2>/dev/null || true")).Length == 0,
            TimeSpan.FromSeconds(120), "the batch job completes");
        // slurmctld says which path ended the job's configuring: the prolog ending (as soon as the node
        // registered) or its timer (job_time_limit, up to 30 s later).
        var configured = await Cluster.RunAsync(Master, $"grep -h 'Configuration for JobId={job} ' /var/log/slurm/slurmctld.log");
        output.WriteLine(configured);
        Assert.Contains("prolog_running_decr", configured, StringComparison.Ordinal);
        await WaitAllPoweredDownAsync();
    }

    [Fact]
    public async Task Jobs_at_once_over_two_sites_all_complete_and_no_node_name_ever_has_two_servers()
    {
        await WaitAllPoweredDownAsync();
        var seen = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var duplicate in (await ServersAsync()).GroupBy(s => s.Name).Where(g => g.Count() > 1))
                {
                    seen.Add(duplicate.Key);
                }
                await Task.Delay(200);
            }
        });
        var jobs = new List<string>();
        foreach (var partition in new[] { "alpha", "alpha", "beta", "beta", "beta", "alpha", "beta", "beta" })
        {
            jobs.Add(await Cluster.RunAsync(Master, $"sbatch --parsable -p {partition} -N1 --exclusive -o /dev/null --wrap 'sleep 3'"));
        }
        // Slurm keeps an ended job in squeue for MinJobAge (300 s, longer than this wait): each job's state is
        // read until every one has ended, and a requeued job (a failed resume) is followed until it ends again.
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        await WaitUntilAsync(async () =>
        {
            states.Clear();
            foreach (var line in (await Cluster.RunAsync(Master, $"squeue -h -t all -o '%i %T' -j {string.Join(',', jobs)}")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                states[fields[0]] = fields[1];
            }
            return jobs.All(j => states.TryGetValue(j, out var state) && EndedStates.Contains(state));
        }, TimeSpan.FromSeconds(240), "every job has ended");
        await stop.CancelAsync();
        await watcher;
        output.WriteLine(string.Join('\n', states.Select(s => $"{s.Key} {s.Value}")));
        Assert.Empty(seen);
        Assert.All(jobs, job => Assert.Equal("COMPLETED", states[job]));
        await WaitAllPoweredDownAsync();
    }

    [Fact]
    public async Task A_refused_create_shows_the_reason_in_slurm_leaves_no_server_and_the_node_starts_after_the_quota_is_lifted()
    {
        await WaitAllPoweredDownAsync();
        var before = (await ServersAsync()).Count;
        await Cluster.Cloud.SetQuotaAsync(new QuotaRecord(before, null), CancellationToken.None);
        string node;
        string job;
        try
        {
            job = await Cluster.RunAsync(Master, "sbatch --parsable -p alpha -N1 -o /dev/null --wrap true");
            var reasons = "";
            await WaitUntilAsync(async () => (reasons = await Cluster.RunAsync(Master, "sinfo -R -h -o '%N|%E'")).Contains("quota", StringComparison.Ordinal),
                TimeSpan.FromSeconds(60), "sinfo -R shows the quota");
            output.WriteLine(reasons);
            var line = reasons.Split('\n').First(l => l.Contains("quota", StringComparison.Ordinal));
            Assert.Contains("site 'alpha'", line, StringComparison.Ordinal);
            node = line.Split('|')[0].Trim();
            Assert.Equal(before, (await ServersAsync()).Count);
        }
        finally
        {
            await Cluster.Cloud.SetQuotaAsync(new QuotaRecord(null, null), CancellationToken.None);
        }
        await Cluster.RunAsync(Master, $"scontrol update nodename={node} state=resume");
        // The job went back to the queue when its node failed; Slurm holds a requeued job for a while: release it now.
        await Cluster.RunAsync(Master, $"scontrol update jobid={job} starttime=now 2>/dev/null || true");
        await WaitUntilAsync(async () => (await Cluster.RunAsync(Master, "squeue -h -o %i")).Length == 0, TimeSpan.FromSeconds(120), "the waiting job runs once the node is resumed");
        await WaitAllPoweredDownAsync();
    }

    [Fact]
    public async Task A_resume_killed_halfway_is_finished_by_reconcile_and_leaves_no_orphan()
    {
        await WaitAllPoweredDownAsync();
        var job = await Cluster.RunAsync(Master, "sbatch --parsable -p beta -N1 -o /dev/null --wrap true");
        await WaitUntilAsync(async () => (await ServersAsync()).Any(s => s.Name.StartsWith("el-beta-cpu-", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "a server is being created");
        var killed = await Cluster.RunAsync(Master, "pids=$(pgrep -f '[g]ridspan node resume' || true); [ -n \"$pids\" ] && kill -9 $pids; echo \"$pids\"");
        output.WriteLine($"killed: {killed}");
        Assert.NotEmpty(killed);
        await Cluster.RunAsync(Master, "runuser -u slurm -- /usr/local/bin/gridspan node reconcile");
        await WaitUntilAsync(async () => (await Cluster.RunAsync(Master, $"squeue -h -j {job} -o %i 2>/dev/null || true")).Length == 0, TimeSpan.FromSeconds(120), "the job runs on the node reconcile finished");
        Assert.True((await ServersAsync()).Where(s => s.Name.StartsWith("el-beta-cpu-", StringComparison.Ordinal)).GroupBy(s => s.Name).All(g => g.Count() == 1));
        await WaitAllPoweredDownAsync();
        await Cluster.RunAsync(Master, "runuser -u slurm -- /usr/local/bin/gridspan node reconcile");
        Assert.DoesNotContain(await ServersAsync(), s => OnDemand.Contains(s.Name));
        Assert.DoesNotContain(await Cluster.Cloud.ListAsync(ClusterId, CancellationToken.None), r => r.Kind == ResourceKind.Port && OnDemand.Contains(r.Name));
    }

    private async Task<List<CloudResource>> ServersAsync() =>
        [.. (await Cluster.Cloud.ListAsync(ClusterId, CancellationToken.None)).Where(r => r.Kind == ResourceKind.Server)];

    /// <summary>Every on-demand node idle and powered down in Slurm (idle~) and without a server.</summary>
    private async Task WaitAllPoweredDownAsync() =>
        await WaitUntilAsync(async () =>
        {
            var states = await Cluster.RunAsync(Master, $"sinfo -h -N -n {string.Join(',', OnDemand)} -o '%N %t'");
            var servers = await ServersAsync();
            return states.Split('\n').All(l => l.EndsWith(" idle~", StringComparison.Ordinal)) && !servers.Any(s => OnDemand.Contains(s.Name));
        }, TimeSpan.FromSeconds(240), "every on-demand node is powered down (idle~) with no server");

    /// <summary>The job states squeue shows for a job that has ended (squeue's long names).</summary>
    private static readonly HashSet<string> EndedStates = new(StringComparer.Ordinal)
    {
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY",
    };

    private async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                var detail = await Cluster.RunAsync(Master, "sinfo -N -o '%N %t %E'; squeue; tail -n 30 /var/log/gridspan/elastic.log");
                Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting until {what}:\n{detail}");
            }
            await Task.Delay(500);
        }
    }
}
