using System.Net;
using GridSpan.Common;
using GridSpan.Providers.Local.Cloud;

namespace GridSpan.Providers.Local.Tests;

[Collection(LocalCloudCollection.Name)]
public sealed class StateTests
{
    [Fact]
    public async Task Two_processes_creating_ports_at_once_never_get_the_same_address_and_a_new_process_sees_them_all()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var network = await test.Cloud.CreateNetworkAsync("site", "c-state", IPNetwork.Parse("10.81.0.0/24"), 1500, CancellationToken.None);
        // Two independent instances over the same state directory stand for the CLI and the API server.
        var other = new LocalCloud(test.Cloud.Options, new ProcessCommandRunner());

        var ports = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? test.Cloud : other).CreatePortAsync($"p{i}", "c-state", network.Id, null, [], [], CancellationToken.None)));

        Assert.Equal(40, ports.Select(p => p.Address).Distinct().Count());
        var restarted = new LocalCloud(test.Cloud.Options, new ProcessCommandRunner());
        var listed = await restarted.ListAsync("c-state", CancellationToken.None);
        Assert.Equal(40, listed.Count(r => r.Kind == Provision.ResourceKind.Port));
        Assert.Empty(await restarted.ListAsync("another-cluster", CancellationToken.None));
    }

    [Fact]
    public async Task A_port_created_again_for_the_same_address_keeps_its_mac_and_ports_of_one_network_never_share_one()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var network = await test.Cloud.CreateNetworkAsync("site", "c-mac", IPNetwork.Parse("10.82.0.0/24"), 1500, CancellationToken.None);
        var address = IPAddress.Parse("10.82.0.20");
        var first = await test.Cloud.CreatePortAsync("node", "c-mac", network.Id, address, [], [], CancellationToken.None);
        await test.Cloud.DeleteAsync(Provision.ResourceKind.Port, first.Id, CancellationToken.None);

        var again = await test.Cloud.CreatePortAsync("node", "c-mac", network.Id, address, [], [], CancellationToken.None);
        var others = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            test.Cloud.CreatePortAsync($"p{i}", "c-mac", network.Id, null, [], [], CancellationToken.None)));

        Assert.NotEqual(first.Id, again.Id);
        Assert.Equal(first.Mac, again.Mac);
        Assert.Equal(21, others.Append(again).Select(p => p.Mac).Distinct().Count());
    }

    [Fact]
    public async Task Deleting_by_tag_removes_the_clusters_servers_ports_networks_and_groups_and_nothing_of_another_cluster()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var mine = new Sites(test, "c-mine");
        var theirs = new Sites(test, "c-theirs");
        var site = await mine.NetworkAsync("site", "10.82.0.0/24", 1500);
        var group = await mine.GroupAsync("ssh", Sites.Tcp(22));
        var node = await mine.BootAsync("m1", site, group);
        await mine.FloatingAsync(node);
        var otherSite = await theirs.NetworkAsync("site", "10.82.0.0/24", 1500);

        var deleted = await test.Cloud.DeleteByTagAsync("c-mine", CancellationToken.None);

        Assert.Equal(7, deleted); // floating address, server, port, subnet, network, security group, key pair
        Assert.Empty(await test.Cloud.ListAsync("c-mine", CancellationToken.None));
        Assert.False(File.Exists(Names.NetnsPath(test.Cloud.Names.Node(node.ServerId))));
        Assert.False(File.Exists(Names.NetnsPath(test.Cloud.Names.Router(site.Id))));
        Assert.Equal([Provision.ResourceKind.Subnet, Provision.ResourceKind.Network], (await test.Cloud.ListAsync("c-theirs", CancellationToken.None)).Select(r => r.Kind));
        Assert.True(File.Exists(Names.NetnsPath(test.Cloud.Names.Router(otherSite.Id))), "another cluster's network (even with the same subnet) stays");
    }
}
