using System.Diagnostics;
using System.Globalization;
using GridSpan.Cluster;
using Xunit.Abstractions;

namespace GridSpan.EndToEnd.Tests;

/// <summary>
/// `gridspan create` end to end on the local cloud: master and a worker in site alpha, a gateway and
/// a worker in site beta (MTU 1400), joined by WireGuard; real Slurm, munge, dnsmasq, sshfs, Open MPI.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TwoSiteClusterTests(TwoSiteClusterFixture fixture, ITestOutputHelper output) : IClassFixture<TwoSiteClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    private const string Master = "e2e-master";
    private const string Gateway = "e2e-beta-gw";
    private const string AlphaWorker = "e2e-alpha-cpu-001";
    private const string BetaWorker = "e2e-beta-cpu-001";

    /// <summary>The cluster user of the fixture: an ordinary user, without sudo.</summary>
    private const string User = "alice";

    /// <summary>A command run as the cluster user with a login shell (GridSpan's own login on containers is root).</summary>
    private static string AsUser(string command) => $"su - {User} -c '{command.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    [Fact]
    public async Task A_job_on_two_nodes_of_partition_all_runs_on_both_workers()
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first create: {Cluster.FirstCreateTime.TotalSeconds:0.0} s"));
        var names = await Cluster.RunAsync(Master, "srun -N2 -p all hostname");
        Assert.Equal([AlphaWorker, BetaWorker], names.Split('\n').Select(n => n.Trim()).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task The_cluster_user_is_an_ordinary_user_with_the_same_ids_everywhere_runs_jobs_across_sites_and_has_no_sudo_or_root_login()
    {
        foreach (var node in new[] { Master, Gateway, AlphaWorker, BetaWorker })
        {
            Assert.Equal($"uid=2000({User}) gid=2000({User}) groups=2000({User})", await Cluster.RunAsync(node, $"id {User}"));
        }
        // A job as the user on a node of each site, and what it writes in its home on beta lands in the master's /home.
        var ran = await Cluster.RunAsync(Master, AsUser("srun -N2 -p all sh -c 'echo $(hostname) $(id -un) > ~/job-$(hostname).txt; cat ~/job-$(hostname).txt'"));
        Assert.Equal([$"{AlphaWorker} {User}", $"{BetaWorker} {User}"], ran.Split('\n').Select(l => l.Trim()).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal($"{BetaWorker} {User}", await Cluster.RunAsync(Master, $"cat /home/{User}/job-{BetaWorker}.txt"));

        // No sudo: ssh.sudo is not set. And its key opens its own account on other nodes, never root's.
        Assert.Contains("exit=1", await Cluster.RunAsync(BetaWorker, AsUser("sudo -n true 2>&1; echo exit=$?")), StringComparison.Ordinal);
        Assert.Contains("# ssh.sudo is false", await Cluster.RunAsync(AlphaWorker, "cat /etc/sudoers.d/gridspan"), StringComparison.Ordinal);
        var asRoot = await Cluster.RunAsync(Master, AsUser($"ssh -o BatchMode=yes -o ConnectTimeout=10 root@{BetaWorker} id -u 2>&1; echo exit=$?"));
        Assert.Contains("exit=255", asRoot, StringComparison.Ordinal);
        Assert.Equal($"{User} 2000", await Cluster.RunAsync(Master, AsUser($"ssh -o BatchMode=yes -o ConnectTimeout=10 {BetaWorker} 'echo $(id -un) $(id -u)'")));
    }

    [Fact]
    public async Task The_master_and_the_gateway_take_wireguard_only_from_each_others_public_address()
    {
        await using var cluster = Cluster.Open();
        var cloud = await Cluster.Cloud.Store.ReadAsync(CancellationToken.None);
        string Tunnel(string site, Plan.NodeRole role) => string.Join(", ", cloud.SecurityGroups
            .Single(g => g.Name == Provision.ResourceNames.SecurityGroup(Cluster.Plan, site, role)).Rules
            .Where(r => r.Protocol == "udp").Select(r => $"udp {r.PortMin} from {r.Source}"));

        Assert.Equal($"udp 51820 from {cluster.State.Nodes[Gateway].PublicAddress}/32", Tunnel("alpha", Plan.NodeRole.Master));
        Assert.Equal($"udp 51820 from {cluster.State.Nodes[Master].PublicAddress}/32", Tunnel("beta", Plan.NodeRole.Gateway));
    }

    [Fact]
    public async Task Create_through_the_cli_finds_the_cluster_as_planned_and_says_so()
    {
        var (exitCode, printed, progress) = await Cluster.CliAsync("create", "-c", Cluster.ConfigPath);

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{progress}");
        Assert.Contains("provision: every resource exists (4 servers active)", progress, StringComparison.Ordinal);
        Assert.Contains("cluster e2e: no changes (4 nodes already as planned)", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_in_the_second_sites_partition_runs_in_the_second_site()
    {
        Assert.Equal(BetaWorker, await Cluster.RunAsync(Master, "srun -p beta hostname"));
    }

    [Fact]
    public async Task A_file_written_to_home_on_the_second_sites_worker_is_read_on_the_master()
    {
        var content = "written on beta " + Guid.NewGuid().ToString("N");
        await Cluster.RunAsync(BetaWorker, "cat > /home/from-beta.txt", content);
        Assert.Equal(content, await Cluster.RunAsync(Master, "cat /home/from-beta.txt"));
        Assert.Equal(content, await Cluster.RunAsync(AlphaWorker, "cat /home/from-beta.txt"));
        Assert.Contains("fuse.sshfs", await Cluster.RunAsync(BetaWorker, "findmnt -n -o FSTYPE /vol/data"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_storage_key_reaches_only_the_shares_and_only_as_files()
    {
        // From the sshfs worker in beta, with the key its mounts use (as root there, so with everything root on a worker has).
        const string Ssh = "-i /etc/gridspan/storage_ed25519 -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10";
        const string Login = "gridspan-storage@e2e-master";
        string Sftp(string commands) => $"printf '{commands}' | sftp {Ssh} -b - {Login} 2>&1; echo exit=$?";

        // No command: sshd forces its SFTP server, and root does not take the key.
        var shell = await Cluster.RunAsync(BetaWorker, $"ssh {Ssh} {Login} 'touch /tmp/storage-ran; echo ran-$((6*7))' </dev/null 2>&1; echo exit=$?");
        Assert.DoesNotContain("ran-42", shell, StringComparison.Ordinal);
        var root = await Cluster.RunAsync(BetaWorker, $"ssh {Ssh} root@e2e-master 'echo ran-$((6*7))' </dev/null 2>&1; echo exit=$?");
        Assert.DoesNotContain("ran-42", root, StringComparison.Ordinal);
        Assert.Contains("Permission denied", root, StringComparison.Ordinal);

        // Outside the shares nothing is read or written: the master's accounts, its secrets, /etc.
        Assert.Contains("exit=1", await Cluster.RunAsync(BetaWorker, Sftp("get /etc/passwd /tmp/stolen-passwd\\n")), StringComparison.Ordinal);
        Assert.Contains("exit=1", await Cluster.RunAsync(BetaWorker, Sftp("get /var/lib/gridspan/elastic/secrets.json /tmp/stolen-secrets\\n")), StringComparison.Ordinal);
        Assert.Contains("exit=1", await Cluster.RunAsync(BetaWorker, Sftp("put /etc/hostname /etc/storage-was-here\\n")), StringComparison.Ordinal);
        Assert.Contains("exit=1", await Cluster.RunAsync(BetaWorker, Sftp("put /etc/hostname /var/lib/gridspan/storage-was-here\\n")), StringComparison.Ordinal);
        // Not even into the chroot's own directories around the shares (read-only): only the shares take files.
        Assert.Contains("exit=1", await Cluster.RunAsync(BetaWorker, Sftp("put /etc/hostname /storage-was-here\\n")), StringComparison.Ordinal);
        Assert.Contains("exit=1", await Cluster.RunAsync(BetaWorker, Sftp("mkdir /vol/storage-was-here\\n")), StringComparison.Ordinal);
        Assert.Equal("absent", await Cluster.RunAsync(BetaWorker, "[ -e /tmp/stolen-passwd ] || [ -e /tmp/stolen-secrets ] && echo stolen || echo absent"));
        Assert.Equal("absent", await Cluster.RunAsync(Master,
            "[ -e /etc/storage-was-here ] || [ -e /var/lib/gridspan/storage-was-here ] || [ -e /tmp/storage-ran ] && echo present || echo absent"));
        // What the login sees at its root is the shares' top directories, nothing else.
        var top = await Cluster.RunAsync(BetaWorker, Sftp("ls -1 /\\n"));
        Assert.Equal(["home", "vol"], top.Split('\n').Select(l => l.Trim().TrimStart('/')).Where(l => l is "home" or "vol" or "etc" or "var" or "root" or "usr").ToArray());

        // The shares still work, through the mount and through the same login.
        var content = "storage " + Guid.NewGuid().ToString("N");
        await Cluster.RunAsync(BetaWorker, "cat > /vol/data/storage-check.txt", content);
        Assert.Equal(content, await Cluster.RunAsync(Master, "cat /vol/data/storage-check.txt"));
        Assert.Contains("exit=0", await Cluster.RunAsync(BetaWorker, Sftp("get /vol/data/storage-check.txt /tmp/storage-check.txt\\n")), StringComparison.Ordinal);
        Assert.Equal(content, await Cluster.RunAsync(BetaWorker, "cat /tmp/storage-check.txt && rm -f /tmp/storage-check.txt /vol/data/storage-check.txt"));
    }

    [Fact]
    public async Task Every_node_logs_in_to_every_other_by_name_checking_its_host_certificate_against_the_cluster_authority()
    {
        string[] nodes = [Master, Gateway, AlphaWorker, BetaWorker];
        foreach (var node in nodes)
        {
            // Only the rendered ssh_known_hosts (one @cert-authority line) may vouch for the other nodes: no per-user file, no prompt.
            var logins = string.Join("; ", nodes.Where(n => n != node).SelectMany(n => new[] { n, $"{n}.{Cluster.Plan.Domain}" }).Select(n =>
                $"echo {n} $(ssh -v -o StrictHostKeyChecking=yes -o BatchMode=yes -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 {n} hostname 2>/tmp/ssh-{User}-{n}.log) " +
                $"$(grep -c 'Server host certificate: ssh-ed25519-cert-v01@openssh.com' /tmp/ssh-{User}-{n}.log)"));
            var answers = await Cluster.RunAsync(node, AsUser(logins));
            var expected = nodes.Where(n => n != node).SelectMany(n => new[] { $"{n} {n} 1", $"{n}.{Cluster.Plan.Domain} {n} 1" });
            Assert.Equal(expected, answers.Split('\n').Select(l => l.Trim()));
        }
        // The known hosts file is one line whatever the size of the cluster.
        Assert.Equal("1", await Cluster.RunAsync(BetaWorker, "grep -vc '^#' /etc/ssh/ssh_known_hosts"));
    }

    [Fact]
    public async Task Doctor_passes_a_healthy_cluster_and_names_a_dropped_slurmd_port_and_a_stopped_munge_with_their_fixes()
    {
        var healthy = await Cluster.CliAsync("doctor", Cluster.Plan.Name, "--json");
        Assert.True(healthy.ExitCode == 0, $"exit code {healthy.ExitCode}:\n{healthy.Out}\n{healthy.Error}");
        using (var report = System.Text.Json.JsonDocument.Parse(healthy.Out))
        {
            var checks = report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("check").GetString()).Distinct().ToList();
            Assert.Equal(["reach", "firewall", "sysctl", "mtu", "vpn", "ports", "names", "ssh", "munge", "clock", "shares", "slurm"], checks);
        }

        try
        {
            await Cluster.RunAsync(BetaWorker, "nft add table inet doctortest; nft add chain inet doctortest input '{ type filter hook input priority 0; }'; " +
                "nft add rule inet doctortest input tcp dport 6818 drop");
            await Cluster.RunAsync(AlphaWorker, "systemctl stop munge");

            await using var workspace = Cluster.Open();
            var broken = await Doctor.ClusterDoctor.ExamineAsync(workspace, null, CancellationToken.None);

            Assert.False(broken.Passed);
            Assert.Equal(
                [("firewall", BetaWorker), ("ports", $"{Master} → {BetaWorker}"), ("munge", AlphaWorker)],
                broken.Failures.Select(f => (f.Check, f.Subject)).ToArray());
            Assert.Equal("nft inet doctortest: tcp dport 6818 drop", broken.Failures[0].Evidence);
            Assert.Equal("slurmd (tcp 6818) does not answer within 3 s", broken.Failures[1].Evidence);
            Assert.Contains("systemctl restart munge", broken.Failures[2].Fix, StringComparison.Ordinal);
        }
        finally
        {
            await Cluster.RunAsync(BetaWorker, "nft delete table inet doctortest 2>/dev/null; true");
            await Cluster.RunAsync(AlphaWorker, "systemctl start munge");
        }
        var repaired = await Cluster.CliAsync("doctor", Cluster.Plan.Name);
        Assert.True(repaired.ExitCode == 0, $"exit code {repaired.ExitCode}:\n{repaired.Out}");
        Assert.Contains("every check passed", repaired.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_node_resolves_every_other_by_name()
    {
        string[] nodes = [Master, Gateway, AlphaWorker, BetaWorker];
        foreach (var node in nodes)
        {
            // Short names and names in the cluster domain, through the master's dnsmasq (every node's resolver but the master's own).
            string[] names = [.. nodes.Where(n => n != node).SelectMany(n => new[] { n, $"{n}.{Cluster.Plan.Domain}" }), "e2e-beta-cpu-002"];
            var answers = await Cluster.RunAsync(node, string.Join("; ", names.Select(n => $"echo {n} $(getent ahostsv4 {n} | head -1 | cut -d' ' -f1)")));
            var expected = names.Select(n => $"{n} {Cluster.Plan.FindNode(n.Split('.')[0])!.Address}");
            Assert.Equal(expected, answers.Split('\n').Select(l => l.Trim()));
        }
        Assert.Contains("nameserver " + Cluster.Plan.MasterNode.Address, await Cluster.RunAsync(BetaWorker, "cat /etc/resolv.conf"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_mpi_hello_world_compiled_with_mpicc_runs_across_both_sites_with_srun_and_mpirun()
    {
        // As the cluster user, in its home (a share): an ordinary user compiles and runs MPI across sites.
        await Cluster.RunAsync(Master, AsUser("cat > ~/mpi-hello.c"), """
            #include <mpi.h>
            #include <stdio.h>
            int main(int argc, char **argv) {
                int rank, size, length; char name[MPI_MAX_PROCESSOR_NAME];
                MPI_Init(&argc, &argv);
                MPI_Comm_rank(MPI_COMM_WORLD, &rank);
                MPI_Comm_size(MPI_COMM_WORLD, &size);
                MPI_Get_processor_name(name, &length);
                int sum = 0;
                MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
                printf("rank %d of %d on %s sum %d\n", rank, size, name, sum);
                MPI_Finalize();
                return 0;
            }
            """);
        // Plain mpicc and mpirun: Debian's alternatives must name the one MPI whose headers are installed.
        await Cluster.RunAsync(Master, AsUser("mpicc -o ~/mpi-hello ~/mpi-hello.c"));
        string[] acrossSites = [$"rank 0 of 2 on {AlphaWorker} sum 1", $"rank 1 of 2 on {BetaWorker} sum 1"];
        // Each way three times: the ranks must also leave MPI_Finalize together across the tunnel (Debian 12's
        // MPICH over UCX hung there in about one run of ten).
        for (var run = 0; run < 3; run++)
        {
            Assert.Equal(acrossSites, SortedLines(await Cluster.RunAsync(Master, AsUser("timeout 120 srun --mpi=pmix -N2 -n2 -p all ~/mpi-hello"))));
            Assert.Equal(acrossSites, SortedLines(await Cluster.RunAsync(Master, AsUser("timeout 120 salloc -N2 -n2 -p all mpirun ~/mpi-hello"))));
        }
    }

    private static string[] SortedLines(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("rank ", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Packets_of_the_planned_link_mtu_cross_between_sites_unfragmented()
    {
        var link = Cluster.Plan.Overlay.Links.Single();
        var betaAddress = Cluster.Plan.FindNode(BetaWorker)!.Address;
        // 28 bytes of IPv4 and ICMP headers: a packet of exactly the link's MTU, with Don't Fragment set.
        await Cluster.RunAsync(AlphaWorker, $"ping -c 2 -W 2 -M do -s {link.Mtu - 28} {betaAddress}");
        var tooBig = await Cluster.RunAsync(AlphaWorker, $"ping -c 1 -W 2 -M do -s {link.Mtu - 27} {betaAddress} >/dev/null 2>&1; echo $?");
        Assert.NotEqual("0", tooBig);
    }

    [Fact]
    public async Task Status_shows_every_server_active_the_workers_idle_and_fresh_vpn_handshakes_and_list_finds_the_cluster_by_tag()
    {
        await Cluster.RunAsync(AlphaWorker, $"ping -c 1 -W 2 {Cluster.Plan.FindNode(BetaWorker)!.Address}"); // traffic: a handshake

        await using var workspace = Cluster.Open();
        var status = await ClusterStatusReader.ReadAsync(workspace, CancellationToken.None);

        Assert.Empty(status.Problems);
        Assert.All(status.Nodes.Where(n => !n.OnDemand), n => Assert.Equal("active", n.Server));
        Assert.All(status.Nodes.Where(n => n.OnDemand), n => Assert.Equal(("on demand", "idle~"), (n.Server, n.Slurm)));
        Assert.Equal(["idle", "idle"], status.Nodes.Where(n => n.Name is AlphaWorker or BetaWorker).Select(n => n.Slurm ?? "none").ToArray());
        var masterPeer = Assert.Single(status.Nodes.Single(n => n.Name == Master).Vpn);
        Assert.Equal(Gateway, masterPeer.Peer);
        Assert.InRange(masterPeer.HandshakeAgeSeconds!.Value, 0, 180);
        Assert.Equal(Master, Assert.Single(status.Nodes.Single(n => n.Name == Gateway).Vpn).Peer);

        var tagged = await GridSpan.Providers.Local.LocalProviderDefinition.For(Cluster.Environment).ListAllAsync(new GridSpan.Common.ProcessCommandRunner(), CancellationToken.None);
        Assert.Contains(tagged, r => r.ClusterId == status.ClusterId && r.Name == Master);
    }

    [Fact]
    public async Task Create_again_changes_nothing_and_is_quick()
    {
        var clock = Stopwatch.StartNew();
        var again = await Cluster.CreateAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"no-change create: {clock.Elapsed.TotalSeconds:0.0} s"));
        Assert.Equal(0, again.Provisioned.Created);
        Assert.False(again.Changed, string.Join("; ", again.Configured.SelectMany(c => c.Reports).Where(r => r.Changed)
            .Select(r => $"{r.NodeName}: {string.Join(",", r.FilesWritten.Concat(r.UnitsRestarted).Concat(r.UnitsStarted).Concat(r.UnitsEnabled))}")));
        Assert.Equal(4, again.Configured.Sum(c => c.Reports.Length));
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection
{
    public const string Name = "end to end (root, local cloud, sequential)";
}
