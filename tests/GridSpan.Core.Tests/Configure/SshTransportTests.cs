using GridSpan.Common;
using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

/// <summary>The OpenSSH transport against real sshd processes in namespaces made by each test.</summary>
public sealed class SshTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_command_runs_on_the_node_with_its_input_and_returns_output_error_and_exit_code()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        await using var transport = lab.CreateTransport();

        var session = await transport.ConnectAsync(node, Wait, CancellationToken.None);
        var result = await session.RunAsync("cat; echo 'to stderr' >&2; exit 3", "line one\nline two\n", CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("line one\nline two\n", result.StandardOutput);
        Assert.Equal("to stderr\n", result.StandardError);
    }

    [Fact]
    public async Task Quotes_and_shell_syntax_in_a_command_reach_the_node_unchanged()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        await using var transport = lab.CreateTransport();

        var session = transport.Session(node);
        var result = await session.RunAsync("printf '%s|' \"it's\" '$HOME' 'a  b'", null, CancellationToken.None);

        Assert.Equal("it's|$HOME|a  b|", result.EnsureSuccess().StandardOutput);
    }

    [Fact]
    public async Task Input_sent_to_a_node_never_appears_in_the_command_line()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        await using var transport = lab.CreateTransport();
        const string secret = "munge-key-7f3a9c";

        var result = await transport.Session(node).RunAsync("sha256sum", secret, CancellationToken.None);

        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret))), result.EnsureSuccess().StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(lab.ClientRunner.Trace, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, result.CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_node_is_reached_through_its_jump_host_and_not_directly()
    {
        await using var lab = await SshLab.CreateAsync();
        var master = await lab.StartServerAsync("master");
        // Listens on the servers' loopback: only a process in that namespace (the master's sshd) can reach it.
        var worker = await lab.StartServerAsync("worker-1", listenAddress: "127.0.0.1");
        await using var transport = lab.CreateTransport();

        var direct = await Assert.ThrowsAsync<GridSpanException>(
            () => transport.ConnectAsync(worker with { NodeName = "worker-1-direct" }, TimeSpan.FromSeconds(2), CancellationToken.None));
        var session = await transport.ConnectAsync(worker.Via(master), Wait, CancellationToken.None);
        var result = await session.RunAsync("echo \"$SSH_CONNECTION\"", null, CancellationToken.None);

        Assert.Contains("unreachable", direct.Message, StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1 ", result.EnsureSuccess().StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_private_nodes_work_at_once_through_one_jump_host()
    {
        await using var lab = await SshLab.CreateAsync();
        var master = await lab.StartServerAsync("master");
        var workers = new List<SshTarget>();
        for (var index = 1; index <= 6; index++)
        {
            workers.Add((await lab.StartServerAsync($"worker-{index}", listenAddress: "127.0.0.1")).Via(master));
        }
        await using var transport = lab.CreateTransport();

        var results = await Task.WhenAll(workers.Select(async worker =>
        {
            var session = transport.Session(worker);
            var first = await session.RunAsync("echo first", null, CancellationToken.None);
            var second = await session.RunAsync("echo second", null, CancellationToken.None);
            return first.EnsureSuccess().StandardOutput + second.EnsureSuccess().StandardOutput;
        }));

        Assert.All(results, output => Assert.Equal("first\nsecond\n", output));
    }

    [Fact]
    public async Task A_node_presenting_a_key_other_than_the_pinned_one_is_refused_and_runs_nothing()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        var impostorKey = await lab.NewKeyAsync("impostor");
        var pinnedWrongly = SshTarget.Direct("node-1", node.Address, [await File.ReadAllTextAsync(impostorKey + ".pub")], port: node.Port);
        await using var transport = lab.CreateTransport();
        var marker = Path.Combine(lab.Directory, "ran");

        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => transport.Session(pinnedWrongly).RunAsync($"touch {marker}", null, CancellationToken.None));

        Assert.Contains("node 'node-1'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("not the one pinned", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Waiting_for_a_node_never_accepts_a_wrong_key_even_while_retrying()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        var impostorKey = await lab.NewKeyAsync("impostor");
        var pinnedWrongly = SshTarget.Direct("node-1", node.Address, [await File.ReadAllTextAsync(impostorKey + ".pub")], port: node.Port);
        await using var transport = lab.CreateTransport();
        var started = DateTime.UtcNow;

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => transport.ConnectAsync(pinnedWrongly, Wait, CancellationToken.None));

        Assert.Contains("not the one pinned", failure.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "a wrong key fails at once, it is not retried");
    }

    [Fact]
    public async Task A_jump_host_presenting_a_wrong_key_is_refused()
    {
        await using var lab = await SshLab.CreateAsync();
        var master = await lab.StartServerAsync("master");
        var worker = await lab.StartServerAsync("worker-1", listenAddress: "127.0.0.1");
        var impostorKey = await lab.NewKeyAsync("impostor");
        var wrongMaster = master with { HostKeys = [SshHostKey.Parse(await File.ReadAllTextAsync(impostorKey + ".pub"), "master")] };
        await using var transport = lab.CreateTransport();

        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => transport.Session(worker.Via(wrongMaster)).RunAsync("true", null, CancellationToken.None));

        Assert.Contains("worker-1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("master", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_without_a_pinned_key_is_never_contacted()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        await using var transport = lab.CreateTransport();

        var failure = Assert.Throws<GridSpanException>(() => transport.Session(node with { HostKeys = [] }));

        Assert.Contains("no pinned SSH host key", failure.Message, StringComparison.Ordinal);
        Assert.Empty(lab.ClientRunner.Trace);
    }

    [Fact]
    public async Task A_node_that_refuses_the_cluster_key_is_reported_with_the_user()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        var strangerKey = await lab.NewKeyAsync("stranger");
        await using var transport = lab.CreateTransport(identityFile: strangerKey);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => transport.ConnectAsync(node, Wait, CancellationToken.None));

        Assert.Contains("refused the cluster's SSH key for user 'root'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("authorized_keys", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_waits_for_a_node_whose_sshd_starts_later()
    {
        await using var lab = await SshLab.CreateAsync();
        var booting = await lab.PrepareServerAsync("node-1");
        await using var transport = lab.CreateTransport();

        var connecting = transport.ConnectAsync(booting.Target, Wait, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(connecting.IsCompleted);
        await booting.StartAsync();
        var session = await connecting;

        Assert.Equal("up\n", (await session.RunAsync("echo up", null, CancellationToken.None)).StandardOutput);
    }

    [Fact]
    public async Task A_node_that_never_answers_is_reported_as_unreachable_by_name_and_address()
    {
        await using var lab = await SshLab.CreateAsync();
        var never = await lab.PrepareServerAsync("node-1");
        await using var transport = lab.CreateTransport();

        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => transport.ConnectAsync(never.Target, TimeSpan.FromSeconds(2), CancellationToken.None));

        Assert.Contains($"node 'node-1' is unreachable over SSH at {SshLab.ServerAddress}:{never.Target.Port}", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.Fix);
    }

    [Fact]
    public async Task Commands_share_one_connection_and_closing_ends_it()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        var transport = lab.CreateTransport();
        var session = transport.Session(node);

        var first = await session.RunAsync("echo \"$SSH_CONNECTION\"", null, CancellationToken.None);
        var second = await session.RunAsync("echo \"$SSH_CONNECTION\"", null, CancellationToken.None);
        var socketsWhileOpen = Directory.GetFiles(transport.Options.ControlDirectory);
        await transport.CloseAsync(CancellationToken.None);

        Assert.Equal(first.StandardOutput, second.StandardOutput); // same client port: one TCP connection
        Assert.Single(socketsWhileOpen);
        Assert.False(Directory.Exists(transport.Options.Directory));
        var left = await new ProcessCommandRunner().RunAsync(CommandRequest.Of("ip", "netns", "pids", lab.ClientNetns), CancellationToken.None);
        Assert.Equal("", left.StandardOutput.Trim());
    }

    [Fact]
    public async Task Two_transports_of_one_cluster_keep_their_own_connections_and_closing_one_leaves_the_other_working()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        await using var first = lab.CreateTransport();
        await using var second = lab.CreateTransport();
        var running = second.Session(node).RunAsync("sleep 2; echo still here", null, CancellationToken.None);

        await first.Session(node).RunAsync("true", null, CancellationToken.None);
        await first.CloseAsync(CancellationToken.None);

        Assert.NotEqual(first.Options.Directory, second.Options.Directory);
        Assert.Equal("still here\n", (await running).EnsureSuccess().StandardOutput);
        Assert.Equal("again\n", (await second.Session(node).RunAsync("echo again", null, CancellationToken.None)).StandardOutput);
    }

    [Fact]
    public async Task A_transport_removes_the_directories_of_ended_processes_but_not_of_running_ones()
    {
        await using var lab = await SshLab.CreateAsync();
        await using var earlier = lab.CreateTransport();
        var clientFiles = Path.GetDirectoryName(earlier.Options.Directory)!;
        var ended = Directory.CreateDirectory(Path.Combine(clientFiles, "p999999999-1")).FullName;
        var running = Directory.CreateDirectory(Path.Combine(clientFiles, $"p{Environment.ProcessId}-999")).FullName;

        await using var transport = lab.CreateTransport();

        Assert.False(Directory.Exists(ended));
        Assert.True(Directory.Exists(running));
    }

    [Fact]
    public async Task The_generated_config_lets_a_person_reach_a_node_by_name_with_plain_ssh()
    {
        await using var lab = await SshLab.CreateAsync();
        var node = await lab.StartServerAsync("node-1");
        await using var transport = lab.CreateTransport();
        transport.Session(node);

        var result = await lab.ClientRunner.RunAsync(CommandRequest.Of("ssh", "-F", transport.ConfigFile, "node-1", "hostname -s >/dev/null && echo ok"), CancellationToken.None);

        Assert.Equal("ok\n", result.EnsureSuccess().StandardOutput);
    }
}
