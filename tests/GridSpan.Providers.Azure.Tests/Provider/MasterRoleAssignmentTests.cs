using GridSpan.Common;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure.Tests.Provider;

public sealed class MasterRoleAssignmentTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    private static async Task<ServerInfo> MasterAsync(SiteOnFakeArm site)
    {
        var port = await site.PortAsync("master");
        return await site.Provider.CreateServerAsync(site.Server("master", port, "master"), Timeout());
    }

    [Fact]
    public async Task The_masters_identity_gets_contributor_on_the_sites_resource_group_once_and_no_secret()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var master = await MasterAsync(site);
        var principal = site.Arm.Resource(master.Id)!["identity"]!["principalId"]!.GetValue<string>();

        var files = await site.Provider.MasterCredentialsAsync(site.Cluster, new Dictionary<string, string>(), Timeout());
        var again = await site.Provider.MasterCredentialsAsync(site.Cluster, files, Timeout());

        var assignment = Assert.Single(site.Arm.RoleAssignments);
        Assert.Equal($"/subscriptions/{site.Arm.Subscription}/resourceGroups/gridspan-{site.Cluster}-{SiteOnFakeArm.SiteName}", assignment.Scope);
        Assert.Equal(principal, assignment.Principal);
        Assert.EndsWith("/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c", assignment.Role, StringComparison.Ordinal);
        Assert.Equal(files, again);
        var marker = Assert.Single(files);
        Assert.Equal(AzureSiteProvider.MasterMarker, marker.Key);
        Assert.Equal($"{{\"cluster\":\"{site.Cluster}\",\"principalId\":\"{principal}\"}}\n", marker.Value);
    }

    [Fact]
    public async Task Terminate_removes_the_role_assignment_and_revoking_again_is_no_error()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        await MasterAsync(site);
        await site.Provider.MasterCredentialsAsync(site.Cluster, new Dictionary<string, string>(), Timeout());

        await new ClusterTerminator().TerminateAsync(site.Cluster, new Dictionary<string, ISiteProvider> { [SiteOnFakeArm.SiteName] = site.Provider }, null, Timeout());
        await site.Provider.RevokeMasterCredentialsAsync(site.Cluster, Timeout());

        Assert.Empty(site.Arm.RoleAssignments);
        Assert.Contains(site.Arm.Requests, r => r.StartsWith("DELETE ", StringComparison.Ordinal) && r.Contains("/roleAssignments/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_role_assignment_refused_for_lack_of_permission_is_a_clear_error()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        await MasterAsync(site);
        site.Arm.RefuseRoleAssignments = true;

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => site.Provider.MasterCredentialsAsync(site.Cluster, new Dictionary<string, string>(), Timeout()));

        Assert.StartsWith($"site '{SiteOnFakeArm.SiteName}': Azure refused to let the master's identity (", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"manage the resource group gridspan-{site.Cluster}-{SiteOnFakeArm.SiteName} (role Contributor): AuthorizationFailed: The client 'gridspan-tests'",
            failure.Message, StringComparison.Ordinal);
        Assert.Contains("role assignments need Owner or User Access Administrator", failure.Fix, StringComparison.Ordinal);
        Assert.False(failure.IsTransient);
        Assert.Empty(site.Arm.RoleAssignments);
    }

    [Fact]
    public async Task Without_a_master_vm_in_the_subscription_the_error_says_where_the_master_must_run()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => site.Provider.MasterCredentialsAsync(site.Cluster, new Dictionary<string, string>(), Timeout()));

        Assert.Contains($"found no master VM of cluster {site.Cluster}", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("put the master in an Azure site of the same subscription", failure.Fix, StringComparison.Ordinal);
    }
}
