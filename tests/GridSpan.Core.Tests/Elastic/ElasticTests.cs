using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Core.Tests.Render;
using GridSpan.Elastic;
using GridSpan.Render;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Elastic;

public sealed class ElasticTests
{
    // Lines as slurmctld 22.05 prints them (trimmed of fields the parser skips).
    private const string ShowNode =
        "NodeName=el-beta-cpu-001 CoresPerSocket=1 CPUAlloc=1 State=ALLOCATED+CLOUD+NOT_RESPONDING+POWERING_UP ThreadsPerCore=1 Partitions=all,beta\n" +
        "NodeName=el-beta-cpu-002 CoresPerSocket=1 State=IDLE+CLOUD+POWERED_DOWN ThreadsPerCore=1 Partitions=all,beta\n" +
        "NodeName=el-alpha-cpu-001 CoresPerSocket=1 State=DOWN+CLOUD+POWERED_DOWN ThreadsPerCore=1 Reason=gridspan: site 'alpha': quota exceeded [slurm@2026-11-21T08:24:21]\n" +
        "NodeName=el-master CoresPerSocket=1 State=IDLE ThreadsPerCore=1 Reason=(null)\n";

    [Fact]
    public void Scontrol_lines_give_each_nodes_power_state_and_reason()
    {
        var nodes = SlurmNode.Parse(ShowNode).ToDictionary(n => n.Name);
        Assert.True(nodes["el-beta-cpu-001"].PoweringUp);
        Assert.True(nodes["el-beta-cpu-001"].WantsServer);
        Assert.True(nodes["el-beta-cpu-002"].PoweredDown);
        Assert.False(nodes["el-beta-cpu-002"].WantsServer);
        Assert.True(nodes["el-alpha-cpu-001"].Down);
        Assert.Equal("gridspan: site 'alpha': quota exceeded", nodes["el-alpha-cpu-001"].Reason);
        Assert.Null(nodes["el-master"].Reason);
        Assert.True(nodes["el-master"].WantsServer);
    }

    [Fact]
    public void A_reason_is_the_first_line_of_the_failure_marked_as_gridspans_and_short()
    {
        Assert.Equal("gridspan: site 'b': quota exceeded", ElasticNodes.Reason("site 'b': quota exceeded\nmore detail"));
        Assert.Equal(200, ElasticNodes.Reason(new string('x', 500)).Length);
        Assert.DoesNotContain('"', ElasticNodes.Reason("the \"image\" is missing"));
    }

    [Fact]
    public void The_master_kit_belongs_to_the_slurm_user_and_keeps_the_gateways_private_keys_off_the_master()
    {
        var plan = RenderSnapshotTests.Demo;
        var secrets = RenderSnapshotTests.DemoSecrets;
        var master = new ClusterRenderer(plan, secrets, ClusterFacts.None, _ => RenderOptions.DebianContainer).Render(plan.Master).Bundle;
        var context = new ElasticContext(plan.Name, "demo-abc123", ImmutableSortedDictionary<string, NodeProbe>.Empty, ImmutableSortedDictionary<string, string>.Empty);
        var kit = MasterKit.AddTo(master, plan, "name: demo\n", context, secrets, new Dictionary<string, string> { ["/etc/gridspan/cloud.json"] = "{}" });

        var added = kit.Files.Except(master.Files).ToList();
        Assert.All(added.Where(f => !f.Path.StartsWith("/etc/systemd/", StringComparison.Ordinal)), f =>
        {
            Assert.Equal("slurm", f.Owner);
            Assert.Equal(0b110_000_000, f.Mode);
        });
        Assert.True(added.Single(f => f.Path == MasterKit.SecretsFile).IsSecret);
        Assert.True(added.Single(f => f.Path == "/etc/gridspan/cloud.json").IsSecret);
        Assert.Contains(kit.Services, s => s.Unit == MasterKit.ReconcileTimer);

        var onMaster = MasterKit.ForMaster(plan, secrets);
        foreach (var (node, pair) in onMaster.WireGuard)
        {
            Assert.Equal(node == plan.Master ? secrets.WireGuard[node].PrivateKey : "", pair.PrivateKey);
            Assert.Equal(secrets.WireGuard[node].PublicKey, pair.PublicKey);
        }
        // The master never signs: every node's host certificate is issued beforehand, so the authority's private key stays off it.
        Assert.Equal("", onMaster.HostCertificateAuthority.PrivateKey);
        Assert.Equal(secrets.HostCertificateAuthority.PublicKey, onMaster.HostCertificateAuthority.PublicKey);
        Assert.DoesNotContain(secrets.HostCertificateAuthority.PrivateKey.Trim(), SecretStore.Serialize(onMaster), StringComparison.Ordinal);
        // Every on-demand worker still renders from what the master holds.
        foreach (var node in plan.Nodes.Where(n => n.OnDemand))
        {
            Assert.Equal(
                new ClusterRenderer(plan, secrets, ClusterFacts.None, _ => RenderOptions.DebianContainer).Render(node.Name).Bundle.Files.Select(f => f.Content),
                new ClusterRenderer(plan, onMaster, ClusterFacts.None, _ => RenderOptions.DebianContainer).Render(node.Name).Bundle.Files.Select(f => f.Content));
        }
    }

    [Fact]
    public void A_node_lock_is_held_by_one_holder_at_a_time_and_freed_when_it_is_released()
    {
        var directory = Directory.CreateTempSubdirectory("gridspan-locks-").FullName;
        try
        {
            using (var first = NodeLock.TryAcquire(directory, "n1", "resume"))
            {
                Assert.NotNull(first);
                Assert.Null(NodeLock.TryAcquire(directory, "n1", "suspend"));
                Assert.StartsWith("resume pid=", NodeLock.Describe(directory, "n1"), StringComparison.Ordinal);
                using var other = NodeLock.TryAcquire(directory, "n2", "resume");
                Assert.NotNull(other);
            }
            Assert.Equal("no holder recorded", NodeLock.Describe(directory, "n1"));
            using var again = NodeLock.TryAcquire(directory, "n1", "suspend");
            Assert.NotNull(again);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
