using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;
using GridSpan.Config;

namespace GridSpan.Core.Tests.Render;

public sealed class RenderTests
{
    private static readonly ClusterPlan Demo = RenderSnapshotTests.Demo;
    private static readonly ClusterSecrets Secrets = RenderSnapshotTests.DemoSecrets;

    private static ClusterRenderer Renderer(RenderOptions options) => new(Demo, Secrets, ClusterFacts.None, _ => options);

    [Fact]
    public void Only_vpn_nodes_get_a_wireguard_config_and_each_holds_only_its_own_private_key()
    {
        var nodes = Renderer(RenderOptions.DebianContainer).RenderAll().ToList();
        var withWireGuard = nodes.Where(n => n.Bundle.Files.Any(f => f.Path == NodePaths.WireGuardConf)).Select(n => n.Bundle.NodeName);
        Assert.Equal(["demo-master", "demo-hamburg-gw"], withWireGuard);
        foreach (var node in nodes)
        {
            var text = string.Concat(node.Bundle.Files.Select(f => f.Content));
            foreach (var (owner, pair) in Secrets.WireGuard)
            {
                Assert.Equal(owner == node.Bundle.NodeName, text.Contains(pair.PrivateKey, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Every_file_holding_a_secret_is_flagged_secret_and_readable_by_its_owner_only()
    {
        foreach (var node in Renderer(RenderOptions.DebianContainer).RenderAll())
        {
            foreach (var file in node.Bundle.Files)
            {
                var holdsSecret = Redaction.Fragments(Secrets).Any(f => file.Content.Contains(f, StringComparison.Ordinal));
                Assert.True(holdsSecret == file.IsSecret, $"{node.Bundle.NodeName}:{file.Path} secret={file.IsSecret} but holds a secret={holdsSecret}");
                if (file.IsSecret)
                {
                    Assert.Equal(0, file.Mode & 0b000_111_111);
                }
            }
        }
    }

    [Theory]
    [InlineData(NodeRuntime.Container)]
    [InlineData(NodeRuntime.VirtualMachine)]
    public void Every_bundle_is_consistent_paths_once_units_once_and_every_service_input_a_file_of_the_bundle(NodeRuntime runtime)
    {
        var options = runtime == NodeRuntime.Container ? RenderOptions.DebianContainer : RenderOptions.DebianVm;
        foreach (var node in Renderer(options).RenderAll())
        {
            var paths = node.Bundle.Files.Select(f => f.Path).ToList();
            Assert.Equal(paths.Count, paths.Distinct(StringComparer.Ordinal).Count());
            Assert.All(paths, p => Assert.StartsWith("/", p, StringComparison.Ordinal));
            Assert.Equal(node.Bundle.Services.Length, node.Bundle.Services.Select(s => s.Unit).Distinct(StringComparer.Ordinal).Count());
            Assert.All(node.Bundle.Services.SelectMany(s => s.Inputs), input => Assert.Contains(input, paths));
            Assert.Equal(node.Bundle.Packages.Length, node.Bundle.Packages.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public void A_single_site_cluster_renders_without_a_tunnel_or_forwarding()
    {
        var plan = TestSpecs.Plan(TestSpecs.Cluster("one", TestSpecs.Site("a", null, null, master: true, TestSpecs.Group("cpu", 2, 1))));
        var secrets = new SecretGenerator(new DeterministicRandomSource("one")).Generate(plan);
        var nodes = new ClusterRenderer(plan, secrets, ClusterFacts.None, _ => RenderOptions.DebianContainer).RenderAll().ToList();
        Assert.Equal(4, nodes.Count);
        Assert.All(nodes, n => Assert.DoesNotContain(n.Bundle.Files, f => f.Path == NodePaths.WireGuardConf || f.Path == NodePaths.Sysctl));
        Assert.All(nodes, n => Assert.Contains(n.Bundle.Services, s => s.Unit == "gridspan-routes.service"));
        var dnsmasq = nodes[0].Bundle.Files.Single(f => f.Path == NodePaths.DnsmasqConf).Content;
        Assert.DoesNotContain("10.99.", dnsmasq, StringComparison.Ordinal);
        var routes = nodes[1].Bundle.Files.Single(f => f.Path == NodePaths.RoutesScript).Content;
        Assert.DoesNotContain("ip route", routes, StringComparison.Ordinal);
    }

    [Fact]
    public void The_munge_key_goes_to_slurm_nodes_only()
    {
        foreach (var node in Renderer(RenderOptions.DebianContainer).RenderAll())
        {
            var hasKey = node.Bundle.Files.Any(f => f.Path == NodePaths.MungeKey);
            Assert.Equal(node.Bundle.NodeName != "demo-hamburg-gw", hasKey);
        }
    }

    [Fact]
    public void Slurm_22_05_declares_private_data_cloud_and_23_11_registers_cloud_addresses()
    {
        var old = SlurmConfRenderer.Render(Demo, RenderOptions.DebianContainer);
        var current = SlurmConfRenderer.Render(Demo, RenderOptions.DebianContainer with { SlurmVersion = new Version(24, 5) });
        Assert.Contains("PrivateData=cloud\n", old, StringComparison.Ordinal);
        Assert.Contains("SlurmctldParameters=cloud_dns,idle_on_node_suspend\n", old, StringComparison.Ordinal);
        Assert.DoesNotContain("PrivateData", current, StringComparison.Ordinal);
        Assert.Contains("SlurmctldParameters=cloud_reg_addrs,idle_on_node_suspend\n", current, StringComparison.Ordinal);
        Assert.All([old, current], conf => Assert.Contains("SuspendExcNodes=demo-berlin-cpu-[001-002],demo-hamburg-cpu-001\n", conf, StringComparison.Ordinal));
    }

    [Fact]
    public void Containers_track_processes_by_proc_and_virtual_machines_by_cgroup()
    {
        var container = SlurmConfRenderer.Render(Demo, RenderOptions.DebianContainer);
        var vm = SlurmConfRenderer.Render(Demo, RenderOptions.DebianVm);
        Assert.Contains("ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n", container, StringComparison.Ordinal);
        Assert.Contains("ProctrackType=proctrack/cgroup\n", vm, StringComparison.Ordinal);
        Assert.Contains(Renderer(RenderOptions.DebianVm).Render("demo-berlin-cpu-001").Bundle.Files, f => f.Path == NodePaths.CgroupConf);
        Assert.DoesNotContain(Renderer(RenderOptions.DebianContainer).Render("demo-berlin-cpu-001").Bundle.Files, f => f.Path == NodePaths.CgroupConf);
    }

    [Fact]
    public void Only_on_demand_nodes_in_containers_start_slurmd_with_b()
    {
        string Options(RenderOptions options, string node) =>
            Renderer(options).Render(node).Bundle.Files.Single(f => f.Path == NodePaths.SlurmdDefaults).Content;
        Assert.Contains("SLURMD_OPTIONS=\"-b\"", Options(RenderOptions.DebianContainer, "demo-hamburg-cpu-002"), StringComparison.Ordinal);
        Assert.Contains("SLURMD_OPTIONS=\"\"", Options(RenderOptions.DebianContainer, "demo-hamburg-cpu-001"), StringComparison.Ordinal);
        Assert.Contains("SLURMD_OPTIONS=\"\"", Options(RenderOptions.DebianVm, "demo-hamburg-cpu-002"), StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_mount_over_sshfs_when_they_or_the_master_have_no_kernel_nfs()
    {
        var mixed = new ClusterRenderer(Demo, Secrets, ClusterFacts.None,
            n => n.Role == NodeRole.Master ? RenderOptions.DebianContainer : RenderOptions.DebianVm);
        var worker = mixed.Render("demo-berlin-cpu-001").Bundle;
        Assert.Contains("Type=fuse.sshfs", worker.Files.Single(f => f.Path == "/etc/systemd/system/home.mount").Content, StringComparison.Ordinal);
        Assert.Contains("sshfs", worker.Packages);
        var allNfs = Renderer(RenderOptions.DebianVm).Render("demo-berlin-cpu-001").Bundle;
        Assert.Contains("Type=nfs", allNfs.Files.Single(f => f.Path == "/etc/systemd/system/home.mount").Content, StringComparison.Ordinal);
        Assert.DoesNotContain(allNfs.Files, f => f.Path == NodePaths.StorageKey);
    }

    [Fact]
    public void A_computing_master_runs_slurmctld_and_slurmd_and_its_log_directory_stays_slurms()
    {
        var spec = TestSpecs.TwoSites();
        var computing = TestSpecs.Plan(spec with { Sites = spec.Sites.SetItem(0, spec.Sites[0] with { Master = new GridSpan.Config.MasterSpec("small", "debian-12", true) }) });
        var secrets = new SecretGenerator(new DeterministicRandomSource("compute")).Generate(computing);
        var master = new ClusterRenderer(computing, secrets, ClusterFacts.None, _ => RenderOptions.DebianContainer).Render("demo-master").Bundle;
        Assert.Contains(master.Services, s => s.Unit == "slurmctld.service");
        Assert.Contains(master.Services, s => s.Unit == "slurmd.service");
        var logCommands = master.Commands.Where(c => c.Contains("/var/log/slurm", StringComparison.Ordinal)).ToList();
        Assert.Equal("install -d -o slurm -g slurm -m 0755 /var/lib/slurm/slurmctld /var/log/slurm", logCommands[0]);
        Assert.All(logCommands.Skip(1), c => Assert.StartsWith("mkdir -p", c, StringComparison.Ordinal));
    }

    [Fact]
    public void Mount_unit_names_follow_systemd_escaping()
    {
        Assert.Equal("home.mount", StorageRenderer.MountUnitName("/home"));
        Assert.Equal("vol-spool.mount", StorageRenderer.MountUnitName("/vol/spool/"));
        Assert.Equal("data-my\\x2dshare.mount", StorageRenderer.MountUnitName("/data/my-share"));
        Assert.Equal("\\x2ehidden.mount", StorageRenderer.MountUnitName("/.hidden"));
    }

    [Fact]
    public void Known_hosts_trust_the_cluster_authority_for_every_node_name_in_one_line_the_same_on_every_node()
    {
        var renderer = Renderer(RenderOptions.DebianContainer);
        var knownHosts = Demo.Nodes.Select(n => renderer.Render(n.Name).Bundle.Files.Single(f => f.Path == NodePaths.KnownHosts).Content).Distinct().Single();
        Assert.Single(knownHosts.Split('\n'), l => l.Length > 0 && !l.StartsWith('#'));
        var directory = Directory.CreateTempSubdirectory("gridspan-known-");
        try
        {
            var path = Path.Combine(directory.FullName, "known_hosts");
            System.IO.File.WriteAllText(path, knownHosts);
            foreach (var host in new[] { "demo-hamburg-cpu-005", "demo-hamburg-cpu-005.demo.gridspan", "demo-master" })
            {
                var found = Tool.Run("ssh-keygen", ["-F", host, "-f", path], "");
                Assert.Contains($"@cert-authority demo-*,*.demo.gridspan {SshRenderer.KeyWithoutComment(Secrets.HostCertificateAuthority.PublicKey)}", found, StringComparison.Ordinal);
            }
            Assert.Equal("", Tool.Run("sh", ["-c", $"ssh-keygen -F other-host -f '{path}' || true"], ""));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_node_presents_its_own_host_certificate_through_sshd()
    {
        var renderer = Renderer(RenderOptions.DebianContainer);
        foreach (var node in Demo.Nodes)
        {
            var bundle = renderer.Render(node.Name).Bundle;
            Assert.Equal(Secrets.HostCertificates[node.Name] + "\n", bundle.Files.Single(f => f.Path == SshRenderer.HostCertificatePath).Content);
            Assert.Contains($"HostCertificate {SshRenderer.HostCertificatePath}\n", bundle.Files.Single(f => f.Path == SshdRenderer.DropInPath).Content, StringComparison.Ordinal);
            Assert.Contains(SshRenderer.HostCertificatePath, bundle.Services.Single(s => s.Unit == "ssh.service").Inputs);
        }
    }

    [Fact]
    public void Wg_quick_accepts_the_rendered_config()
    {
        var wg0 = new ClusterRenderer(RenderSnapshotTests.Tri, RenderSnapshotTests.TriSecrets, RenderSnapshotTests.TriFacts, _ => RenderOptions.DebianContainer)
            .Render("tri-b-gw").Bundle.Files.Single(f => f.Path == NodePaths.WireGuardConf).Content;
        var directory = Directory.CreateTempSubdirectory("gridspan-wg-");
        try
        {
            var path = Path.Combine(directory.FullName, "wg0.conf");
            System.IO.File.WriteAllText(path, wg0);
            // `wg-quick strip` parses the file as wg-quick does and prints what `wg setconf` gets.
            var stripped = Tool.Run("wg-quick", ["strip", path], "");
            Assert.Contains("ListenPort = 51820", stripped, StringComparison.Ordinal);
            Assert.Equal(2, stripped.Split('\n').Count(l => l == "[Peer]"));
            Assert.Contains("Endpoint = 198.51.100.10:51820", stripped, StringComparison.Ordinal);
            Assert.DoesNotContain("PostUp", stripped, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Printing_a_rendered_node_or_its_files_shows_no_secret()
    {
        foreach (var node in Renderer(RenderOptions.DebianContainer).RenderAll())
        {
            var printed = string.Join("\n", node.Bundle.Files.Select(f => f.ToString()).Append(node.ToString()).Append(node.Bundle.ToString()));
            Assert.DoesNotContain(Redaction.Fragments(Secrets), f => printed.Contains(f, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Secrets_without_keys_for_a_node_are_refused_when_that_node_is_rendered()
    {
        var partial = Secrets with { HostKeys = Secrets.HostKeys.Remove("demo-hamburg-cpu-003") };
        var renderer = new ClusterRenderer(Demo, partial, ClusterFacts.None, _ => RenderOptions.DebianContainer);
        var error = Assert.Throws<GridSpanException>(() => renderer.Render("demo-hamburg-cpu-003"));
        Assert.Contains("demo-hamburg-cpu-003", error.Message, StringComparison.Ordinal);

        var noVpnKey = Secrets with { WireGuard = Secrets.WireGuard.Remove("demo-hamburg-gw") };
        Assert.Contains("demo-hamburg-gw", Assert.Throws<GridSpanException>(() =>
            new ClusterRenderer(Demo, noVpnKey, ClusterFacts.None, _ => RenderOptions.DebianContainer)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_secret_appears_in_any_snapshot_or_in_the_plan_json()
    {
        if (Snapshot.Updating)
        {
            return;
        }
        var fragments = Redaction.Fragments(Secrets).Concat(Redaction.Fragments(RenderSnapshotTests.TriSecrets)).ToList();
        var files = Directory.GetFiles(Snapshot.Directory(), "*", SearchOption.AllDirectories);
        Assert.True(files.Length > 20, $"expected the snapshots, found {files.Length} files");
        var texts = files.Select(System.IO.File.ReadAllText)
            .Append(PlanJson.Serialize(Demo)).Append(PlanJson.Serialize(RenderSnapshotTests.Tri));
        foreach (var text in texts)
        {
            Assert.DoesNotContain(fragments, f => text.Contains(f, StringComparison.Ordinal));
            Assert.DoesNotContain("BEGIN OPENSSH PRIVATE KEY-----\n    b3Bl", text, StringComparison.Ordinal);
        }
    }
}
