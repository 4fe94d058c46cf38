using System.Collections.Immutable;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Provision;
using GridSpan.Render;
using GridSpan.Config;

namespace GridSpan.Core.Tests.Cluster;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterStateTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "gridspan-state-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public void The_store_is_GRIDSPAN_HOME_else_gridspan_in_the_home_directory_and_knows_the_runtime_directory()
    {
        var set = ClusterStateStore.For(new HostEnvironment(new Dictionary<string, string?>
        {
            ["GRIDSPAN_HOME"] = "/srv/gs/../gridspan",
            ["HOME"] = "/home/alice",
            ["XDG_RUNTIME_DIR"] = "/run/user/1000",
        }));
        var unset = ClusterStateStore.For(new HostEnvironment(new Dictionary<string, string?> { ["HOME"] = "/home/alice", ["GRIDSPAN_HOME"] = "" }));

        Assert.Equal(("/srv/gridspan", "/run/user/1000"), (set.Home, set.RuntimeDirectory));
        Assert.Equal(("/home/alice/.gridspan", null), (unset.Home, unset.RuntimeDirectory));
    }

    [Fact]
    public void State_and_plan_are_kept_in_a_directory_only_the_owner_can_enter_and_read_back_equal()
    {
        var store = new ClusterStateStore(_home);
        var plan = Planner.Plan(TestSpecs.TwoSites(), FlavorCatalog.Empty);
        var state = ClusterState.New("demo", "/tmp/cluster.yaml", "a1b2c3") with
        {
            Nodes = ImmutableSortedDictionary<string, NodeFacts>.Empty.Add("demo-master",
                new NodeFacts("berlin", "s-1", "10.11.0.10", "198.18.0.100", ["ssh-ed25519 AAAA x"], new NodeProbe("22.05", false, false, true), "abc")),
        };

        store.Save(state);
        store.SavePlan(plan);

        var loaded = store.Require("demo");
        Assert.Equal("demo-a1b2c3", loaded.ClusterId);
        Assert.Equal(state.Nodes["demo-master"] with { HostKeys = [] }, loaded.Nodes["demo-master"] with { HostKeys = [] });
        Assert.Equal(["ssh-ed25519 AAAA x"], loaded.Nodes["demo-master"].HostKeys.ToArray());
        Assert.Equal(PlanJson.Serialize(plan), PlanJson.Serialize(store.LoadPlan("demo")));
        Assert.Equal(["demo"], store.Names());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.DirectoryOf("demo")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(store.DirectoryOf("demo"), "state.json")));
    }

    [Fact]
    public void An_unknown_cluster_is_named_with_the_clusters_there_are()
    {
        var store = new ClusterStateStore(_home);
        store.Save(ClusterState.New("demo", "/tmp/cluster.yaml", "a1b2c3"));

        var failure = Assert.Throws<GridSpanException>(() => store.Require("demi"));

        Assert.Equal(ExitCode.NotFound, failure.ExitCode);
        Assert.Contains("no cluster 'demi'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("known clusters: demo", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_ids_are_unique_per_cluster_and_give_back_the_name()
    {
        var first = ClusterState.New("my-cluster", "/x", "000001");
        Assert.Equal("my-cluster-000001", first.ClusterId);
        Assert.Equal("my-cluster", ClusterIds.NameOf(first.ClusterId));
    }

    [Theory]
    [InlineData("22.05.8-4+deb12u3", "22.05")]
    [InlineData("23.11.4-1.2u1", "23.11")]
    [InlineData("1:24.05.1-1", "24.05")]
    [InlineData("", "22.05")]
    public void The_slurm_version_of_a_package_is_its_major_and_minor(string package, string expected) =>
        Assert.Equal(expected, NodeProber.SlurmMajorMinor(package));

    [Fact]
    public void A_probed_container_without_nfs_or_wireguard_gets_sshfs_and_wireguard_go()
    {
        var probe = NodeProber.Parse("slurm=22.05.8-4+deb12u3\nnfs=0\nwg=0\ncontainer=1\n");

        Assert.Equal(new NodeProbe("22.05", false, false, true), probe);
        var options = NodeProber.OptionsOf(probe);
        Assert.Equal((StorageTransport.Sshfs, NodeRuntime.Container, false, new Version(22, 5)),
            (options.Storage, options.Runtime, options.KernelWireGuard, options.SlurmVersion));
        var vm = NodeProber.OptionsOf(NodeProber.Parse("slurm=23.11.4-1\nnfs=1\nwg=1\ncontainer=0\n"));
        Assert.Equal((StorageTransport.KernelNfs, NodeRuntime.VirtualMachine, true, true),
            (vm.Storage, vm.Runtime, vm.KernelWireGuard, vm.IsSlurm2311OrLater));
    }

    [Fact]
    public void Handshake_ages_are_named_by_peer_and_a_peer_never_seen_has_none()
    {
        var peers = ClusterStatusReader.ParseHandshakes("1000\nKEY1=\t990\nKEY2=\t0\n",
            new Dictionary<string, string> { ["KEY1="] = "demo-hamburg-gw", ["KEY2="] = "demo-paris-gw" });

        Assert.Equal([new VpnPeerStatus("demo-hamburg-gw", 10), new VpnPeerStatus("demo-paris-gw", null)], peers.ToArray());
    }

    [Fact]
    public void Slurm_nodes_are_ready_when_idle_or_busy_and_responding()
    {
        var states = SlurmStates.Parse("demo-a idle\ndemo-b down*\ndemo-c mix\ndemo-d idle*\n");

        Assert.Equal([true, false, true, false], states.Values.Select(SlurmStates.IsReady).ToArray());
    }

    [Fact]
    public void A_bundle_hash_changes_with_any_file_mode_package_or_command()
    {
        var bundle = new NodeBundle("n", [BundleFile.Public("/etc/x", "a")], ["p"], [new BundleService("x.service", ["/etc/x"])], ["true"]);

        string[] hashes =
        [
            BundleHash.Of(bundle),
            BundleHash.Of(bundle with { Files = [BundleFile.Public("/etc/x", "b")] }),
            BundleHash.Of(bundle with { Files = [BundleFile.Public("/etc/x", "a", 0b111_101_101)] }),
            BundleHash.Of(bundle with { Packages = ["q"] }),
            BundleHash.Of(bundle with { Commands = ["false"] }),
        ];

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        Assert.Equal(hashes[0], BundleHash.Of(bundle with { }));
    }
}
