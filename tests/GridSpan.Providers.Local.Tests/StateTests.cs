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
        await using var test = await TestCloud.CreateAsync();
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
}
