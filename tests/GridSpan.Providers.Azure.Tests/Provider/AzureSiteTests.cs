using System.Net;
using GridSpan.Common;
using GridSpan.Provision;
using GridSpan.Providers.Azure.Api;

namespace GridSpan.Providers.Azure.Tests.Provider;

/// <summary>What the provider makes in ARM, read back from the fake as an operator would read it in the portal.</summary>
public sealed class AzureSiteTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task Everything_lies_in_the_sites_resource_group_and_carries_the_cluster_tag()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var port = await site.PortAsync("master");
        await site.Provider.CreateServerAsync(site.Server("master", port, "master"), Timeout());
        await site.Provider.CreateFloatingIpAsync(new FloatingIpRequest("master", site.Cluster, port.Id), Timeout());

        var group = $"/subscriptions/{site.Arm.Subscription}/resourceGroups/gridspan-{site.Cluster}-{SiteOnFakeArm.SiteName}";
        Assert.All(site.Arm.Ids, id => Assert.StartsWith(group, id, StringComparison.Ordinal));
        Assert.All(site.Arm.Ids, id => Assert.Equal(site.Cluster, site.Arm.Resource(id)!["tags"]!["gridspan-cluster"]!.GetValue<string>()));
        Assert.Equal("westeurope", site.Arm.Resource(group)!["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_forwarding_nic_has_ip_forwarding_and_routes_to_its_address_which_go_when_its_ranges_are_emptied()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var gateway = await site.PortAsync("gateway", "10.41.0.0/24", "10.42.0.0/24");
        var worker = await site.PortAsync("worker");

        Assert.True(site.Arm.Resource(gateway.Id)!["properties"]!["enableIPForwarding"]!.GetValue<bool>());
        Assert.False(site.Arm.Resource(worker.Id)!["properties"]!["enableIPForwarding"]!.GetValue<bool>());
        Assert.Equal([$"10.41.0.0/24 VirtualAppliance {gateway.Address}", $"10.42.0.0/24 VirtualAppliance {gateway.Address}"], Routes(site));

        await site.Provider.SetAllowedAddressPairsAsync(gateway.Id, [IPNetwork.Parse("10.43.0.0/16")], Timeout());
        Assert.Equal([$"10.43.0.0/16 VirtualAppliance {gateway.Address}"], Routes(site));

        var emptied = await site.Provider.SetAllowedAddressPairsAsync(gateway.Id, [], Timeout());
        Assert.Empty(emptied.AllowedAddressPairs);
        Assert.Empty(Routes(site));
        Assert.False(site.Arm.Resource(gateway.Id)!["properties"]!["enableIPForwarding"]!.GetValue<bool>());
    }

    private static List<string> Routes(SiteOnFakeArm site) =>
        [.. site.Arm.Resource(site.Network.RouterId!)!["properties"]!["routes"]!.AsArray()
            .Select(r => $"{r!["properties"]!["addressPrefix"]} {r["properties"]!["nextHopType"]} {r["properties"]!["nextHopIpAddress"]}")
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_vm_gets_the_user_data_as_custom_data_an_identity_and_the_clusters_key()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var port = await site.PortAsync("w-1");

        var created = await site.Provider.CreateServerAsync(site.Server("w-1", port), Timeout());
        var active = await site.WaitAsync(created.Id);

        Assert.Equal("#cloud-config\nhostname: w-1\n", site.Arm.CustomDataOf(created.Id));
        var vm = site.Arm.Resource(created.Id)!;
        Assert.Equal("SystemAssigned", vm["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("Debian", vm["properties"]!["storageProfile"]!["imageReference"]!["publisher"]!.GetValue<string>());
        Assert.StartsWith("ssh-rsa ", vm["properties"]!["osProfile"]!["linuxConfiguration"]!["ssh"]!["publicKeys"]![0]!["keyData"]!.GetValue<string>(),
            StringComparison.Ordinal);
        Assert.Equal(ServerStatus.Active, active.Status);
        Assert.Contains(port.Address, active.Addresses);
        Assert.StartsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", Assert.Single(active.HostKeys), StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_data_holding_a_private_key_is_refused_before_azure_is_asked()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var port = await site.PortAsync("w-1");
        var request = site.Server("w-1", port) with { UserData = "#cloud-config\nssh_keys:\n  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n" };

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => site.Provider.CreateServerAsync(request, Timeout()));

        Assert.Contains("holds a private key, and Azure's custom data is not for secrets", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(site.Arm.Requests, r => r.Contains("/virtualMachines/", StringComparison.Ordinal) && r.StartsWith("PUT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_create_of_a_vm_returns_the_first()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var port = await site.PortAsync("w-1");

        var first = await site.Provider.CreateServerAsync(site.Server("w-1", port), Timeout());
        var second = await site.Provider.CreateServerAsync(site.Server("w-1", port), Timeout());

        Assert.Equal(first.Id, second.Id);
        Assert.Single(site.Arm.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.EndsWith("/virtualMachines/w-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Terminate_deletes_every_resource_in_the_order_arm_accepts_and_then_the_resource_group()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var port = await site.PortAsync("gateway", "10.41.0.0/24");
        var server = await site.Provider.CreateServerAsync(site.Server("gateway", port, "gateway"), Timeout());
        await site.Provider.CreateFloatingIpAsync(new FloatingIpRequest("gateway", site.Cluster, port.Id), Timeout());
        await site.WaitAsync(server.Id);

        await new ClusterTerminator().TerminateAsync(site.Cluster, new Dictionary<string, ISiteProvider> { [SiteOnFakeArm.SiteName] = site.Provider }, null, Timeout());

        Assert.Empty(site.Arm.Ids);
        Assert.Empty(await site.Provider.ListAsync(site.Cluster, Timeout()));
        await site.Provider.ReleaseSiteAsync(site.Cluster, Timeout());
    }

    [Fact]
    public async Task Listing_finds_the_sites_network_group_and_key_and_nothing_for_another_cluster()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());

        var listed = await site.Provider.ListAsync(site.Cluster, Timeout());

        Assert.Equal(
            [(ResourceKind.Router, "net-routes"), (ResourceKind.Subnet, "net-subnet"), (ResourceKind.Network, "net"), (ResourceKind.SecurityGroup, "nodes"),
                (ResourceKind.KeyPair, "admin")],
            listed.Select(r => (r.Kind, r.Name)));
        Assert.Empty(await site.Provider.ListAsync("other-cluster", Timeout()));
    }

    [Fact]
    public void The_master_role_assignment_is_named_the_same_for_the_same_cluster_and_group_only()
    {
        var group = SiteGroup.For("00000000-0000-4000-8000-0000000000a1", "hpc-1a2b3c", "azure-we");

        var name = AzureSiteProvider.RoleAssignmentId("hpc-1a2b3c", group);

        Assert.Equal(name, AzureSiteProvider.RoleAssignmentId("hpc-1a2b3c", group));
        Assert.NotEqual(name, AzureSiteProvider.RoleAssignmentId("hpc-9z8y7x", group));
        Assert.Matches("/roleAssignments/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", name);
    }
}
