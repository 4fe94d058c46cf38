using System.Collections.Immutable;
using System.Text;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Render;

/// <summary>Every rendered file type against committed snapshots (secrets redacted).</summary>
public sealed class RenderSnapshotTests
{
    internal static readonly ClusterPlan Demo = TestSpecs.Plan(TestSpecs.TwoSites());
    internal static readonly ClusterPlan Tri = TestSpecs.Plan(TestSpecs.ThreeSites());
    internal static readonly ClusterSecrets DemoSecrets = new SecretGenerator(new DeterministicRandomSource("demo")).Generate(Demo);
    internal static readonly ClusterSecrets TriSecrets = new SecretGenerator(new DeterministicRandomSource("tri")).Generate(Tri);

    internal static readonly ClusterFacts TriFacts = new(new Dictionary<string, string>
    {
        ["tri-master"] = "198.51.100.10",
        ["tri-b-gw"] = "198.51.100.20",
    }.ToImmutableSortedDictionary(StringComparer.Ordinal));

    private static ClusterRenderer Renderer(ClusterPlan plan, ClusterSecrets secrets, RenderOptions options, ClusterFacts? facts = null) =>
        new(plan, secrets, facts ?? ClusterFacts.None, _ => options);

    private static string File(RenderedNode node, string path) => node.Bundle.Files.Single(f => f.Path == path).Content;

    [Fact]
    public void Plan_json() => Snapshot.Match("plan/demo.json", PlanJson.Serialize(Demo));

    [Fact]
    public void Plan_json_of_three_sites() => Snapshot.Match("plan/tri.json", PlanJson.Serialize(Tri));

    [Fact]
    public void Slurm_conf_for_22_05_containers() =>
        Snapshot.Match("slurm/demo-22.05-container.conf", SlurmConfRenderer.Render(Demo, RenderOptions.DebianContainer));

    [Fact]
    public void Slurm_conf_for_23_11_virtual_machines() =>
        Snapshot.Match("slurm/demo-23.11-vm.conf", SlurmConfRenderer.Render(Demo, RenderOptions.DebianVm with { SlurmVersion = new Version(23, 11) }));

    [Fact]
    public void Cgroup_conf() => Snapshot.Match("slurm/cgroup.conf", SlurmConfRenderer.RenderCgroupConf());

    [Fact]
    public void Slurmd_defaults_of_an_on_demand_container() =>
        Snapshot.Match("slurm/slurmd-defaults-on-demand-container",
            File(Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer).Render("demo-hamburg-cpu-002"), NodePaths.SlurmdDefaults));

    [Theory]
    [InlineData("tri-master")]
    [InlineData("tri-b-gw")]
    [InlineData("tri-c-gw")]
    public void Wireguard_conf(string node) =>
        Snapshot.Match($"wireguard/{node}.wg0.conf",
            Redaction.Redact(File(Renderer(Tri, TriSecrets, RenderOptions.DebianContainer, TriFacts).Render(node), NodePaths.WireGuardConf), TriSecrets));

    [Fact]
    public void Dnsmasq_conf_and_hosts()
    {
        var master = Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer).Render("demo-master");
        Snapshot.Match("dns/dnsmasq.conf", File(master, NodePaths.DnsmasqConf));
        Snapshot.Match("dns/cluster.hosts", File(master, NodePaths.DnsHosts));
        var withUpstream = Renderer(Demo, DemoSecrets, RenderOptions.DebianVm with { UpstreamDns = ["192.0.2.53"] }).Render("demo-master");
        Snapshot.Match("dns/dnsmasq-upstream.conf", File(withUpstream, NodePaths.DnsmasqConf));
    }

    [Fact]
    public void Hosts_and_resolv_conf()
    {
        var renderer = Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer);
        Snapshot.Match("hosts/demo-hamburg-cpu-002.hosts", File(renderer.Render("demo-hamburg-cpu-002"), NodePaths.Hosts));
        Snapshot.Match("hosts/demo-master.hosts", File(renderer.Render("demo-master"), NodePaths.Hosts));
        Snapshot.Match("hosts/worker.resolv.conf", File(renderer.Render("demo-hamburg-cpu-002"), NodePaths.ResolvConf));
        Snapshot.Match("hosts/master.resolv.conf", File(renderer.Render("demo-master"), NodePaths.ResolvConf));
    }

    [Fact]
    public void Exports_and_mount_units()
    {
        var vm = Renderer(Demo, DemoSecrets, RenderOptions.DebianVm);
        Snapshot.Match("storage/exports", File(vm.Render("demo-master"), NodePaths.Exports));
        Snapshot.Match("storage/nfs-worker.home.mount", File(vm.Render("demo-berlin-cpu-001"), "/etc/systemd/system/home.mount"));
        var local = Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer);
        Snapshot.Match("storage/sshfs-gateway.vol-spool.mount", File(local.Render("demo-hamburg-gw"), "/etc/systemd/system/vol-spool.mount"));
        var master = local.Render("demo-master");
        Snapshot.Match("storage/master.authorized_keys.d-gridspan-storage", File(master, StorageRenderer.AuthorizedKeysPath));
        Snapshot.Match("storage/master.sshd_config.d-gridspan.conf", File(master, SshdRenderer.DropInPath));
        Snapshot.Match("storage/master.chroot.vol-spool.mount", File(master, "/etc/systemd/system/var-lib-gridspan-shares-vol-spool.mount"));
        Snapshot.Match("storage/master.chroot.mount", File(master, "/etc/systemd/system/var-lib-gridspan-shares.mount"));
    }

    [Fact]
    public void Routes_scripts_and_unit()
    {
        var renderer = Renderer(Tri, TriSecrets, RenderOptions.DebianContainer, TriFacts);
        Snapshot.Match("routes/worker-in-site-b.sh", File(renderer.Render("tri-b-cpu-001"), NodePaths.RoutesScript));
        Snapshot.Match("routes/worker-in-master-site.sh", File(renderer.Render("tri-a-cpu-001"), NodePaths.RoutesScript));
        Snapshot.Match("routes/gateway-b.sh", File(renderer.Render("tri-b-gw"), NodePaths.RoutesScript));
        Snapshot.Match("routes/gridspan-routes.service", File(renderer.Render("tri-b-cpu-001"), NodePaths.RoutesUnit));
        Snapshot.Match("routes/sysctl.conf", File(renderer.Render("tri-b-gw"), NodePaths.Sysctl));
    }

    [Fact]
    public void Ssh_known_hosts_and_authorized_keys()
    {
        var node = Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer).Render("demo-hamburg-cpu-001");
        Snapshot.Match("ssh/ssh_known_hosts", File(node, NodePaths.KnownHosts));
        Snapshot.Match("ssh/authorized_keys", File(node, "/root/.ssh/authorized_keys"));
    }

    [Fact]
    public void Cloud_init_user_data()
    {
        var renderer = Renderer(Demo, DemoSecrets, RenderOptions.DebianVm);
        Snapshot.Match("cloud-init/demo-hamburg-cpu-002.yaml", Redaction.Redact(renderer.Render("demo-hamburg-cpu-002").CloudInitUserData, DemoSecrets));
        var container = Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer);
        Snapshot.Match("cloud-init/local-cloud-demo-hamburg-cpu-002.yaml", Redaction.Redact(container.Render("demo-hamburg-cpu-002").CloudInitUserData, DemoSecrets));
        var nonRoot = TestSpecs.Plan(TestSpecs.TwoSites() with { Ssh = new GridSpan.Config.SshSpec("alice", [], Sudo: false) });
        var aliceRenderer = Renderer(nonRoot, DemoSecrets, RenderOptions.DebianVm);
        Snapshot.Match("cloud-init/non-root-user.yaml", Redaction.Redact(aliceRenderer.Render("demo-master").CloudInitUserData, DemoSecrets));
    }

    [Theory]
    [InlineData("demo-master", "container")]
    [InlineData("demo-hamburg-cpu-001", "container")]
    [InlineData("demo-hamburg-cpu-001", "vm")]
    public void Bundle_of_an_ordinary_cluster_user_without_sudo(string node, string runtime)
    {
        var plan = TestSpecs.Plan(TestSpecs.TwoSites() with { Ssh = new GridSpan.Config.SshSpec("alice", [], Sudo: false) });
        var options = runtime == "vm" ? RenderOptions.DebianVm : RenderOptions.DebianContainer;
        var rendered = Renderer(plan, DemoSecrets, options).Render(node);
        Snapshot.Match($"bundles/alice.{node}.{runtime}.txt", Describe(rendered.Bundle));
        Snapshot.Match("users/sudoers-without-sudo", File(rendered, NodePaths.Sudoers));
    }

    [Fact]
    public void Sudoers_and_authorized_keys_of_an_ordinary_cluster_user_with_sudo()
    {
        var plan = TestSpecs.Plan(TestSpecs.TwoSites() with { Ssh = new GridSpan.Config.SshSpec("alice", [], Sudo: true) });
        var master = Renderer(plan, DemoSecrets, RenderOptions.DebianContainer).Render("demo-master");
        Snapshot.Match("users/sudoers-with-sudo", File(master, NodePaths.Sudoers));
        Snapshot.Match("users/alice.authorized_keys", File(master, "/home/alice/.ssh/authorized_keys"));
        Assert.Contains("sudo", master.Bundle.Packages);
    }

    [Fact]
    public void Elastic_hook() => Snapshot.Match("elastic/slurm-resume",
        File(Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer).Render("demo-master"), NodePaths.ResumeHook));

    [Fact]
    public void Slurmctld_prolog() => Snapshot.Match("elastic/slurmctld-prolog",
        File(Renderer(Demo, DemoSecrets, RenderOptions.DebianContainer).Render("demo-master"), NodePaths.PrologSlurmctld));

    [Theory]
    [InlineData("demo-master", "container")]
    [InlineData("demo-hamburg-gw", "container")]
    [InlineData("demo-berlin-cpu-001", "container")]
    [InlineData("demo-hamburg-cpu-002", "container")]
    [InlineData("demo-master", "vm")]
    [InlineData("demo-berlin-cpu-001", "vm")]
    public void Bundle_contents_per_role(string node, string runtime)
    {
        var options = runtime == "vm" ? RenderOptions.DebianVm : RenderOptions.DebianContainer;
        Snapshot.Match($"bundles/{node}.{runtime}.txt", Describe(Renderer(Demo, DemoSecrets, options).Render(node).Bundle));
    }

    /// <summary>Everything about a bundle except file contents: paths, modes, owners, secrecy, packages, services, commands.</summary>
    internal static string Describe(NodeBundle bundle)
    {
        var text = new StringBuilder($"node {bundle.NodeName}\n\nfiles:\n");
        foreach (var file in bundle.Files)
        {
            text.Append($"  {Convert.ToString(file.Mode, 8).PadLeft(4, '0')} {file.Owner}:{file.Group} {file.Path}{(file.IsSecret ? "  (secret)" : "")}\n");
        }
        text.Append($"\npackages: {string.Join(' ', bundle.Packages)}\n\nservices:\n");
        foreach (var service in bundle.Services)
        {
            text.Append($"  {service.Unit} <- {string.Join(", ", service.Inputs)}\n");
        }
        text.Append("\ncommands:\n");
        foreach (var command in bundle.Commands)
        {
            text.Append($"  {command}\n");
        }
        if (!bundle.Accounts.IsEmpty)
        {
            text.Append("\naccounts:\n");
            foreach (var account in bundle.Accounts)
            {
                text.Append($"  {account.Name} uid=gid={account.Id} home={account.Home}{(account.CreateHome ? " (created here)" : " (on a share)")}\n");
            }
        }
        return text.ToString();
    }
}
