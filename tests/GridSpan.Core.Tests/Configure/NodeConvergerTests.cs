using GridSpan.Common;
using GridSpan.Configure;
using GridSpan.Render;
using GridSpan.Common.Quoting;

namespace GridSpan.Core.Tests.Configure;

/// <summary>
/// The converger against a real sshd (over real SSH, in test-made namespaces), writing into a
/// scratch root under /tmp, with a fake systemctl standing in for systemd.
/// </summary>
public sealed class NodeConvergerTests
{
    private const string SecretText = "wg-private-key-QmFzZTY0U2VjcmV0S2V5MTIzNDU2Nzg5MA==";

    [Fact]
    public async Task A_first_converge_writes_every_file_with_its_content_mode_and_owner()
    {
        await using var node = await ConvergeNode.StartAsync();
        var bundle = Bundle(node,
            BundleFile.Public(node.PathOf("/etc/app/app.conf"), "port = 1\n"),
            BundleFile.Secret(node.PathOf("/etc/app/key"), SecretText, owner: "nobody", group: "nogroup"));

        var report = await new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, null, CancellationToken.None);

        Assert.True(report.Changed);
        Assert.Equal<string>([node.PathOf("/etc/app/app.conf"), node.PathOf("/etc/app/key")], report.FilesWritten);
        Assert.Equal("port = 1\n", await File.ReadAllTextAsync(node.PathOf("/etc/app/app.conf")));
        Assert.Equal(SecretText, await File.ReadAllTextAsync(node.PathOf("/etc/app/key")));
        Assert.Equal("644 root root", await StatAsync(node.PathOf("/etc/app/app.conf")));
        Assert.Equal("600 nobody nogroup", await StatAsync(node.PathOf("/etc/app/key")));
        Assert.Empty(Directory.GetFiles(node.PathOf("/etc/app"), "*.gridspan-new"));
    }

    [Fact]
    public async Task Directories_created_for_a_file_are_readable_by_everyone_even_for_a_secret()
    {
        await using var node = await ConvergeNode.StartAsync();

        await new NodeConverger(node.Options).ConvergeAsync(Bundle(node,
            BundleFile.Secret(node.PathOf("/etc/munge/keys/munge.key"), SecretText),
            BundleFile.Public(node.PathOf("/etc/slurm/conf/slurm.conf"), "x\n")), node.Session, null, CancellationToken.None);

        Assert.Equal("755 root root", await StatAsync(node.PathOf("/etc/slurm")));
        Assert.Equal("755 root root", await StatAsync(node.PathOf("/etc/slurm/conf")));
        Assert.Equal("755 root root", await StatAsync(node.PathOf("/etc/munge/keys")));
        Assert.Equal("600 root root", await StatAsync(node.PathOf("/etc/munge/keys/munge.key")));
    }

    [Fact]
    public async Task A_second_converge_changes_nothing_and_touches_no_file()
    {
        await using var node = await ConvergeNode.StartAsync();
        var bundle = Bundle(node,
            BundleFile.Public(node.PathOf("/etc/app/app.conf"), "port = 1\n"),
            BundleFile.Secret(node.PathOf("/etc/app/key"), SecretText));
        var converger = new NodeConverger(node.Options);
        await converger.ConvergeAsync(bundle, node.Session, null, CancellationToken.None);
        var before = await InodesAsync(node, "/etc/app/app.conf", "/etc/app/key");

        var progress = new RecordingProgress();
        var report = await converger.ConvergeAsync(bundle, node.Session, progress, CancellationToken.None);

        Assert.False(report.Changed);
        Assert.Empty(report.FilesWritten);
        Assert.Equal(before, await InodesAsync(node, "/etc/app/app.conf", "/etc/app/key"));
        Assert.DoesNotContain(progress.Steps, step => step.Status == ConvergeStepStatus.Changed);
    }

    [Fact]
    public async Task Only_the_file_whose_content_differs_is_rewritten()
    {
        await using var node = await ConvergeNode.StartAsync();
        var converger = new NodeConverger(node.Options);
        await converger.ConvergeAsync(Bundle(node,
            BundleFile.Public(node.PathOf("/etc/a.conf"), "a = 1\n"),
            BundleFile.Public(node.PathOf("/etc/b.conf"), "b = 1\n")), node.Session, null, CancellationToken.None);
        var untouched = await InodesAsync(node, "/etc/a.conf");

        var report = await converger.ConvergeAsync(Bundle(node,
            BundleFile.Public(node.PathOf("/etc/a.conf"), "a = 1\n"),
            BundleFile.Public(node.PathOf("/etc/b.conf"), "b = 2\n")), node.Session, null, CancellationToken.None);

        Assert.Equal<string>([node.PathOf("/etc/b.conf")], report.FilesWritten);
        Assert.Equal("b = 2\n", await File.ReadAllTextAsync(node.PathOf("/etc/b.conf")));
        Assert.Equal(untouched, await InodesAsync(node, "/etc/a.conf"));
    }

    [Fact]
    public async Task A_file_with_the_right_content_but_a_wrong_mode_or_owner_is_corrected()
    {
        await using var node = await ConvergeNode.StartAsync();
        var path = node.PathOf("/etc/munge/munge.key");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, SecretText);
        await new ProcessCommandRunner().RunCheckedAsync(CommandRequest.Of("chmod", "644", path), CancellationToken.None);

        var report = await new NodeConverger(node.Options).ConvergeAsync(
            Bundle(node, BundleFile.Secret(path, SecretText, owner: "nobody", group: "nogroup", mode: 0b100_000_000)), node.Session, null, CancellationToken.None);

        Assert.Equal<string>([path], report.FilesWritten);
        Assert.Equal("400 nobody nogroup", await StatAsync(path));
    }

    [Fact]
    public async Task Text_that_looks_like_shell_syntax_is_written_byte_for_byte()
    {
        await using var node = await ConvergeNode.StartAsync();
        var content = "#!/bin/sh\necho \"$HOME\" '$(rm -rf /)' `id` \\\nGRIDSPAN_END_OF_FILE\nünïcödé ✓\n\tno newline at end";
        var path = node.PathOf("/opt/it's a dir/$weird name.sh");

        await new NodeConverger(node.Options).ConvergeAsync(
            Bundle(node, BundleFile.Public(path, content, mode: 0b111_101_101)), node.Session, null, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllTextAsync(path));
        Assert.Equal("755 root root", await StatAsync(path));
    }

    [Fact]
    public async Task Packages_already_installed_are_left_alone()
    {
        await using var node = await ConvergeNode.StartAsync();
        var progress = new RecordingProgress();

        var report = await new NodeConverger(node.Options).ConvergeAsync(
            Bundle(node) with { Packages = ["coreutils", "openssh-server"] }, node.Session, progress, CancellationToken.None);

        Assert.Empty(report.PackagesInstalled);
        Assert.False(report.Changed);
        Assert.Contains(progress.Steps, step => step is { Step: ConvergeStepKind.Packages, Status: ConvergeStepStatus.Unchanged, Detail: "2 present" });
    }

    [Fact]
    public async Task A_package_that_no_repository_has_is_named_with_the_node_the_step_and_what_to_do()
    {
        await using var node = await ConvergeNode.StartAsync();
        var progress = new RecordingProgress();

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => new NodeConverger(node.Options).ConvergeAsync(
            Bundle(node) with { Packages = ["coreutils", "gridspan-no-such-package"] }, node.Session, progress, CancellationToken.None));

        Assert.Equal("node 'node-1': packages: package 'gridspan-no-such-package' is not available", failure.Message);
        Assert.Contains("image", failure.Fix, StringComparison.Ordinal);
        Assert.Equal(ConvergeStepStatus.Failed, progress.Steps[^1].Status);
        Assert.Equal(ConvergeStepKind.Packages, progress.Steps[^1].Step);
    }

    [Fact]
    public async Task Commands_run_in_order_after_the_files_are_in_place()
    {
        await using var node = await ConvergeNode.StartAsync();
        var log = node.PathOf("/log");
        var bundle = Bundle(node, BundleFile.Public(node.PathOf("/etc/x.conf"), "x\n")) with
        {
            Commands = [$"cat {node.PathOf("/etc/x.conf")} >> {log}", $"echo second >> {log}"],
        };

        var report = await new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, null, CancellationToken.None);

        Assert.Equal(2, report.CommandsRun);
        Assert.Equal("x\nsecond\n", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task A_failing_command_is_quoted_with_its_exit_code_and_error()
    {
        await using var node = await ConvergeNode.StartAsync();
        var bundle = Bundle(node) with { Commands = ["true", "echo 'no such route' >&2; exit 2", "touch /never"] };

        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, null, CancellationToken.None));

        Assert.Equal("node 'node-1': commands: command 'echo 'no such route' >&2; exit 2' failed with exit code 2: no such route", failure.Message);
        Assert.False(File.Exists("/never"));
    }

    [Fact]
    public async Task A_file_that_cannot_be_written_is_named_and_its_secret_content_appears_nowhere()
    {
        await using var node = await ConvergeNode.StartAsync();
        var progress = new RecordingProgress();
        var bundle = Bundle(node, BundleFile.Secret(node.PathOf("/etc/wireguard/wg0.conf"), SecretText, owner: "gridspan-no-such-user"));

        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, progress, CancellationToken.None));

        Assert.StartsWith($"node 'node-1': files: writing {node.PathOf("/etc/wireguard/wg0.conf")} failed: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("gridspan-no-such-user", failure.Fix, StringComparison.Ordinal);
        Assert.False(File.Exists(node.PathOf("/etc/wireguard/wg0.conf")));
        Assert.Empty(Directory.GetFiles(node.PathOf("/etc/wireguard")));
        AssertNoSecret(failure.Message + failure.Fix, progress, node);
    }

    [Fact]
    public async Task Writing_a_secret_never_shows_it_in_progress_or_in_any_command_line()
    {
        await using var node = await ConvergeNode.StartAsync();
        var progress = new RecordingProgress();

        await new NodeConverger(node.Options).ConvergeAsync(
            Bundle(node, BundleFile.Secret(node.PathOf("/etc/munge/munge.key"), SecretText)), node.Session, progress, CancellationToken.None);

        Assert.Equal(SecretText, await File.ReadAllTextAsync(node.PathOf("/etc/munge/munge.key")));
        AssertNoSecret("", progress, node);
    }

    [Fact]
    public async Task Units_are_enabled_and_started_and_then_left_alone()
    {
        await using var node = await ConvergeNode.StartAsync();
        node.Systemd.AddUnit("munge.service");
        node.Systemd.AddUnit("slurmd.service");
        var bundle = ServiceBundle(node, slurm: "NodeName=a\n", munge: "key-1-abcdefgh");
        var converger = new NodeConverger(node.Options);

        var first = await converger.ConvergeAsync(bundle, node.Session, null, CancellationToken.None);
        var changesOfFirst = node.Systemd.TakeChanges();
        var second = await converger.ConvergeAsync(bundle, node.Session, null, CancellationToken.None);

        Assert.Equal<string>(["munge.service", "slurmd.service"], first.UnitsEnabled);
        Assert.Equal<string>(["munge.service", "slurmd.service"], first.UnitsRestarted); // new config files
        Assert.Equal<string>(["enable munge.service slurmd.service", "restart munge.service", "restart slurmd.service"], changesOfFirst);
        Assert.Equal("active", node.Systemd.Active("slurmd.service"));
        Assert.Equal("enabled", node.Systemd.Enabled("slurmd.service"));
        Assert.False(second.Changed);
        Assert.Empty(node.Systemd.TakeChanges());
    }

    [Fact]
    public async Task A_changed_file_restarts_only_the_units_that_read_it()
    {
        await using var node = await ConvergeNode.StartAsync();
        node.Systemd.AddUnit("munge.service");
        node.Systemd.AddUnit("slurmd.service");
        var converger = new NodeConverger(node.Options);
        await converger.ConvergeAsync(ServiceBundle(node, slurm: "NodeName=a\n", munge: "key-1-abcdefgh"), node.Session, null, CancellationToken.None);
        node.Systemd.TakeChanges();

        var report = await converger.ConvergeAsync(ServiceBundle(node, slurm: "NodeName=b\n", munge: "key-1-abcdefgh"), node.Session, null, CancellationToken.None);

        Assert.Equal<string>(["slurmd.service"], report.UnitsRestarted);
        Assert.Equal<string>(["restart slurmd.service"], node.Systemd.TakeChanges());
    }

    [Fact]
    public async Task A_unit_that_stopped_is_started_without_a_restart_of_the_others()
    {
        await using var node = await ConvergeNode.StartAsync();
        node.Systemd.AddUnit("munge.service");
        node.Systemd.AddUnit("slurmd.service");
        var bundle = ServiceBundle(node, slurm: "NodeName=a\n", munge: "key-1-abcdefgh");
        var converger = new NodeConverger(node.Options);
        await converger.ConvergeAsync(bundle, node.Session, null, CancellationToken.None);
        node.Systemd.TakeChanges();
        node.Systemd.AddUnit("slurmd.service", enabled: "enabled", active: "inactive");

        var report = await converger.ConvergeAsync(bundle, node.Session, null, CancellationToken.None);

        Assert.Equal<string>(["slurmd.service"], report.UnitsStarted);
        Assert.Empty(report.UnitsRestarted);
        Assert.Equal<string>(["start slurmd.service"], node.Systemd.TakeChanges());
    }

    [Fact]
    public async Task A_masked_unit_is_unmasked_and_enabled()
    {
        await using var node = await ConvergeNode.StartAsync();
        node.Systemd.AddUnit("munge.service", enabled: "masked");
        node.Systemd.AddUnit("slurmd.service", enabled: "enabled", active: "active");
        var bundle = Bundle(node) with { Services = [new BundleService("munge.service", []), new BundleService("slurmd.service", [])] };

        var report = await new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, null, CancellationToken.None);

        Assert.Equal<string>(["munge.service"], report.UnitsEnabled);
        Assert.Equal<string>(["unmask munge.service", "enable munge.service", "start munge.service"], node.Systemd.TakeChanges());
    }

    [Fact]
    public async Task A_unit_that_fails_to_start_is_named_with_its_status_and_is_restarted_on_the_next_run_after_the_fix()
    {
        await using var node = await ConvergeNode.StartAsync();
        node.Systemd.AddUnit("munge.service", enabled: "enabled", active: "active");
        node.Systemd.AddUnit("slurmd.service", enabled: "enabled", active: "active");
        var converger = new NodeConverger(node.Options);
        await converger.ConvergeAsync(ServiceBundle(node, slurm: "NodeName=a\n", munge: "key-1-abcdefgh"), node.Session, null, CancellationToken.None);
        node.Systemd.Break("slurmd.service");
        var changed = ServiceBundle(node, slurm: "NodeName=b\n", munge: "key-1-abcdefgh");

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => converger.ConvergeAsync(changed, node.Session, null, CancellationToken.None));
        node.Systemd.Break("slurmd.service", broken: false);
        node.Systemd.TakeChanges();
        var retry = await converger.ConvergeAsync(changed, node.Session, null, CancellationToken.None);

        Assert.StartsWith("node 'node-1': services: systemctl restart slurmd.service failed (Job for slurmd.service failed.)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("could not read config", failure.Message, StringComparison.Ordinal);
        Assert.Empty(retry.FilesWritten); // the file was already written by the failed run...
        Assert.Equal<string>(["slurmd.service"], retry.UnitsRestarted); // ...but the restart it owed is still made
        Assert.Equal<string>(["restart slurmd.service"], node.Systemd.TakeChanges());
        Assert.False((await converger.ConvergeAsync(changed, node.Session, null, CancellationToken.None)).Changed);
    }

    [Fact]
    public async Task A_unit_the_node_does_not_have_is_reported_with_a_hint_about_packages()
    {
        await using var node = await ConvergeNode.StartAsync();
        var bundle = Bundle(node) with { Services = [new BundleService("slurmctld.service", [])] };

        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, null, CancellationToken.None));

        Assert.Equal("node 'node-1': services: unit 'slurmctld.service' does not exist on the node", failure.Message);
        Assert.Contains("package", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_health_check_runs_on_the_node_and_its_failure_stops_the_converge()
    {
        await using var node = await ConvergeNode.StartAsync();
        var check = new FileExistsCheck(node.PathOf("/run/ready"));
        var converger = new NodeConverger(node.Options with { HealthChecks = [check] });

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => converger.ConvergeAsync(Bundle(node), node.Session, null, CancellationToken.None));
        Directory.CreateDirectory(node.PathOf("/run"));
        await File.WriteAllTextAsync(node.PathOf("/run/ready"), "");
        var progress = new RecordingProgress();
        await converger.ConvergeAsync(Bundle(node), node.Session, progress, CancellationToken.None);

        Assert.Contains("not ready", failure.Message, StringComparison.Ordinal);
        Assert.Contains(progress.Steps, step => step is { Step: ConvergeStepKind.Health, Detail: "ready file" });
    }

    [Fact]
    public async Task An_invalid_bundle_is_refused_before_anything_is_sent()
    {
        await using var node = await ConvergeNode.StartAsync();
        var bundle = Bundle(node, BundleFile.Public("relative/path", "x")) with { Services = [new BundleService("a.service", ["/elsewhere"])] };

        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, null, CancellationToken.None));

        Assert.Contains("relative/path", failure.Message, StringComparison.Ordinal);
        Assert.Empty(node.Lab.ClientRunner.Trace);
    }

    [Fact]
    public async Task Progress_walks_through_the_steps_in_order()
    {
        await using var node = await ConvergeNode.StartAsync();
        node.Systemd.AddUnit("munge.service");
        node.Systemd.AddUnit("slurmd.service");
        var progress = new RecordingProgress();
        var bundle = ServiceBundle(node, slurm: "a\n", munge: "key-1-abcdefgh") with { Packages = ["coreutils"], Commands = ["true"] };

        await new NodeConverger(node.Options).ConvergeAsync(bundle, node.Session, progress, CancellationToken.None);

        var finished = progress.Steps.Where(step => step.Status != ConvergeStepStatus.Running).Select(step => $"{step.Step} {step.Status}");
        Assert.Equal(
            ["Inspect Unchanged", "Packages Unchanged", "Files Changed", "Commands Unchanged", "Services Changed", "Health Unchanged"],
            finished);
        Assert.All(progress.Steps, step => Assert.Equal("node-1", step.NodeName));
    }

    private static NodeBundle Bundle(ConvergeNode node, params BundleFile[] files) =>
        new("node-1", [.. files], [], [], []);

    /// <summary>slurmd reads slurm.conf and the munge key; munged reads only its key.</summary>
    private static NodeBundle ServiceBundle(ConvergeNode node, string slurm, string munge)
    {
        var slurmConf = node.PathOf("/etc/slurm/slurm.conf");
        var mungeKey = node.PathOf("/etc/munge/munge.key");
        return new NodeBundle("node-1",
            [BundleFile.Public(slurmConf, slurm), BundleFile.Secret(mungeKey, munge)],
            [],
            [new BundleService("munge.service", [mungeKey]), new BundleService("slurmd.service", [slurmConf, mungeKey])],
            []);
    }

    private static void AssertNoSecret(string text, RecordingProgress progress, ConvergeNode node)
    {
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(SecretText));
        foreach (var haystack in new[] { text }.Concat(progress.Steps.Select(step => step.Detail)).Concat(node.Lab.ClientRunner.Trace))
        {
            Assert.DoesNotContain(SecretText, haystack, StringComparison.Ordinal);
            Assert.DoesNotContain(encoded[..20], haystack, StringComparison.Ordinal);
        }
    }

    private static async Task<string> StatAsync(string path) =>
        (await new ProcessCommandRunner().RunCheckedAsync(CommandRequest.Of("stat", "--printf", "%a %U %G", path), CancellationToken.None)).StandardOutput;

    private static async Task<string> InodesAsync(ConvergeNode node, params string[] paths)
    {
        var stats = await Task.WhenAll(paths.Select(path => new ProcessCommandRunner().RunCheckedAsync(
            CommandRequest.Of("stat", "--printf", "%i %Y.%y;", node.PathOf(path)), CancellationToken.None)));
        return string.Concat(stats.Select(stat => stat.StandardOutput));
    }

    private sealed class FileExistsCheck(string path) : INodeHealthCheck
    {
        public string Name => "ready file";

        public bool AppliesTo(NodeBundle bundle) => true;

        public async Task CheckAsync(NodeBundle bundle, INodeSession session, CancellationToken cancellationToken)
        {
            var result = await session.RunAsync($"test -e {ShellQuote.Quote(path)}", null, cancellationToken);
            if (!result.Succeeded)
            {
                throw GridSpanException.Failed($"node '{bundle.NodeName}': health: not ready ({path} is missing)");
            }
        }
    }
}
