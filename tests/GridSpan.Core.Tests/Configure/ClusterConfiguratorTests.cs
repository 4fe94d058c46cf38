using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Render;

namespace GridSpan.Core.Tests.Configure;

public sealed class ClusterConfiguratorTests : IDisposable
{
    private const string HostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFf0Q3t1d2nH0y8i5Z5b1V9p9N0g3S6bXo7f0k2l1mQe";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gridspan-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    public ClusterConfiguratorTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Nodes_converge_in_parallel_but_never_more_at_once_than_allowed()
    {
        var meter = new ConcurrencyMeter();
        var nodes = Enumerable.Range(1, 8).Select(index => Node($"worker-{index}")).ToList();
        var configurator = new ClusterConfigurator(new LocalConnector(meter), new NodeConverger(Options()), maxParallelism: 3);

        var result = await configurator.ConfigureAsync(nodes, null, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(nodes.Select(node => node.NodeName), result.Reports.Select(report => report.NodeName));
        Assert.All(result.Reports, report => Assert.True(report.Changed));
        Assert.Equal(3, meter.Peak);
    }

    [Fact]
    public async Task A_node_that_fails_does_not_stop_the_others_and_every_failure_is_named()
    {
        var meter = new ConcurrencyMeter();
        var nodes = new[] { Node("worker-1"), Node("worker-2") with { Bundle = Node("worker-2").Bundle with { Commands = ["exit 4"] } }, Node("worker-3") };
        var configurator = new ClusterConfigurator(new LocalConnector(meter, down: "worker-3"), new NodeConverger(Options()));
        var progress = new RecordingProgress();

        var result = await configurator.ConfigureAsync(nodes, progress, CancellationToken.None);
        var failure = Assert.Throws<GridSpanException>(() => result.EnsureSuccess());

        Assert.Equal(["worker-1"], result.Reports.Select(report => report.NodeName));
        Assert.Equal(["worker-2", "worker-3"], result.Failures.Select(failed => failed.NodeName));
        Assert.StartsWith("2 of 3 nodes failed:", failure.Message, StringComparison.Ordinal);
        Assert.Contains("node 'worker-2': commands: command 'exit 4' failed with exit code 4", failure.Message, StringComparison.Ordinal);
        Assert.Contains("node 'worker-3' is unreachable over SSH", failure.Message, StringComparison.Ordinal);
        Assert.Contains(progress.Steps, step => step is { NodeName: "worker-3", Step: ConvergeStepKind.Connect, Status: ConvergeStepStatus.Failed });
        Assert.Contains(progress.Steps, step => step is { NodeName: "worker-1", Step: ConvergeStepKind.Done, Status: ConvergeStepStatus.Changed });
        Assert.Contains(progress.Steps, step => step is { NodeName: "worker-2", Step: ConvergeStepKind.Done, Status: ConvergeStepStatus.Failed });
    }

    [Fact]
    public async Task Nodes_behind_an_unreachable_jump_host_fail_naming_it()
    {
        var meter = new ConcurrencyMeter();
        var master = Node("master");
        var worker = Node("worker-1") with { Target = Node("worker-1").Target.Via(master.Target) };
        var configurator = new ClusterConfigurator(new LocalConnector(meter, down: "master"), new NodeConverger(Options()));

        var result = await configurator.ConfigureAsync([master, worker], null, CancellationToken.None);

        Assert.Equal(2, result.Failures.Length);
        Assert.StartsWith("node 'worker-1' is reached through 'master', which is unreachable", result.Failures[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_reports_no_change_for_any_node()
    {
        var meter = new ConcurrencyMeter();
        var nodes = Enumerable.Range(1, 3).Select(index => Node($"worker-{index}")).ToList();
        var configurator = new ClusterConfigurator(new LocalConnector(meter), new NodeConverger(Options()));
        Assert.True((await configurator.ConfigureAsync(nodes, null, CancellationToken.None)).Changed);
        var progress = new RecordingProgress();

        var second = await configurator.ConfigureAsync(nodes, progress, CancellationToken.None);

        Assert.False(second.Changed);
        Assert.All(progress.Steps.Where(step => step.Step == ConvergeStepKind.Done), step => Assert.Equal("no change", step.Detail));
    }

    [Fact]
    public async Task Cancelling_stops_the_run()
    {
        var meter = new ConcurrencyMeter();
        var nodes = Enumerable.Range(1, 4).Select(index => Node($"worker-{index}")).ToList();
        var configurator = new ClusterConfigurator(new LocalConnector(meter), new NodeConverger(Options()), maxParallelism: 1);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => configurator.ConfigureAsync(nodes, null, cancel.Token));
    }

    [Fact]
    public async Task A_master_and_private_workers_converge_over_real_ssh_through_the_master()
    {
        await using var lab = await SshLab.CreateAsync();
        var master = await lab.StartServerAsync("master");
        var workers = new List<SshTarget>();
        for (var index = 1; index <= 3; index++)
        {
            workers.Add((await lab.StartServerAsync($"worker-{index}", listenAddress: "127.0.0.1")).Via(master));
        }
        await using var transport = lab.CreateTransport();
        var nodes = new[] { master }.Concat(workers).Select(target => Node(target.NodeName) with { Target = target }).ToList();
        var configurator = new ClusterConfigurator(transport, new NodeConverger(Options())) { ConnectWait = TimeSpan.FromSeconds(20) };

        var first = (await configurator.ConfigureAsync(nodes, null, CancellationToken.None)).EnsureSuccess();
        var second = (await configurator.ConfigureAsync(nodes, null, CancellationToken.None)).EnsureSuccess();

        Assert.All(first.Reports, report => Assert.Equal(2, report.FilesWritten.Length));
        Assert.False(second.Changed);
        foreach (var node in nodes)
        {
            Assert.Equal($"NodeName={node.NodeName}\n", await File.ReadAllTextAsync(Path.Combine(_root, node.NodeName, "etc/slurm/slurm.conf")));
        }
    }

    private NodeAssignment Node(string name)
    {
        var root = Path.Combine(_root, name);
        var bundle = new NodeBundle(name,
            [BundleFile.Public(root + "/etc/slurm/slurm.conf", $"NodeName={name}\n"), BundleFile.Secret(root + "/etc/munge/munge.key", "cluster-munge-key-0123456789")],
            [], [], [$"test -e {root}/etc/slurm/slurm.conf"]);
        return new NodeAssignment(bundle, SshTarget.Direct(name, "192.0.2.1", [HostKey]));
    }

    private ConvergeOptions Options() => new() { StateDirectory = Path.Combine(_root, "state"), RefreshPackageIndex = false };
}
