using System.Diagnostics;
using System.Net;
using GridSpan.Common;
using GridSpan.Providers.Azure.Tests.Provider;
using GridSpan.Provision;
using GridSpan.Testing.FakeArm;

namespace GridSpan.Providers.Azure.Tests.Api;

public sealed class LongRunningOperationTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task A_create_is_polled_through_Azure_AsyncOperation_until_it_succeeds()
    {
        await using var site = SiteOnFakeArm.Start();
        site.Arm.PollsUntilDone = 3;

        var network = await site.Provider.CreateNetworkAsync(new NetworkRequest("net", site.Cluster, IPNetwork.Parse("10.40.0.0/24"), 1500), Timeout());

        Assert.Equal("Succeeded", site.Arm.Resource(network.Id)!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.True(site.Arm.Requests.Count(r => r.StartsWith("GET /operations/", StringComparison.Ordinal)) >= 3);
    }

    [Fact]
    public async Task An_operation_that_fails_halfway_is_an_error_naming_the_call_and_quoting_arm()
    {
        await using var site = SiteOnFakeArm.Start();
        site.Arm.FailingCreates["virtualNetworks/net"] = "InternalOperationError";

        var failure = await Assert.ThrowsAsync<GridSpanException>(() =>
            site.Provider.CreateNetworkAsync(new NetworkRequest("net", site.Cluster, IPNetwork.Parse("10.40.0.0/24"), 1500), Timeout()));

        Assert.Equal(
            $"site '{SiteOnFakeArm.SiteName}': Azure could not create the VNet net (10.40.0.0/24): the operation ended Failed: InternalOperationError: " +
            "An internal execution error occurred. Please retry later.", failure.Message);
        Assert.Equal(ExitCode.ProviderFailure, failure.ExitCode);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task A_vm_whose_creation_fails_halfway_is_a_server_in_error_with_arms_reason()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        site.Arm.FailingCreates["virtualMachines/w-1"] = "AllocationFailed";
        var port = await site.PortAsync("w-1");

        var created = await site.Provider.CreateServerAsync(site.Server("w-1", port), Timeout());
        var server = await site.WaitAsync(created.Id);

        Assert.Equal(ServerStatus.Error, server.Status);
        Assert.Equal("the VM's provisioning state is Failed: Allocation failed. We do not have sufficient capacity for the requested VM size in this region.",
            server.Fault);
    }

    [Fact]
    public async Task Throttled_calls_are_tried_again_after_the_retry_after_arm_sends()
    {
        await using var site = SiteOnFakeArm.Start();
        site.Arm.Throttle(2);
        var clock = Stopwatch.StartNew();

        await site.Provider.CreateNetworkAsync(new NetworkRequest("net", site.Cluster, IPNetwork.Parse("10.40.0.0/24"), 1500), Timeout());

        // Two 429s with Retry-After: 1, the client's own back-off being 20 ms: the wait is ARM's.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"took {clock.Elapsed}");
        var first = site.Arm.Requests[0];
        Assert.Equal([first, first, first], site.Arm.Requests.Take(3));
        Assert.NotEqual(first, site.Arm.Requests[3]);
    }

    [Fact]
    public async Task Unavailable_answers_are_tried_again_with_back_off()
    {
        await using var site = SiteOnFakeArm.Start();
        site.Arm.BeUnavailable(3);

        var network = await site.Provider.CreateNetworkAsync(new NetworkRequest("net", site.Cluster, IPNetwork.Parse("10.40.0.0/24"), 1500), Timeout());

        Assert.NotNull(site.Arm.Resource(network.Id));
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_attempts_is_a_transient_error_quoting_arm()
    {
        await using var site = SiteOnFakeArm.Start(FakeArmAccess.Access(attempts: 2));
        site.Arm.Throttle(5);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() =>
            site.Provider.CreateNetworkAsync(new NetworkRequest("net", site.Cluster, IPNetwork.Parse("10.40.0.0/24"), 1500), Timeout()));

        Assert.True(failure.IsTransient);
        Assert.Contains("Azure refused to look up the route table net-routes: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("TooManyRequests: The request is being throttled.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_is_reported_at_once_with_arms_code_and_message()
    {
        await using var site = await SiteOnFakeArm.Start().WithBaseAsync(Timeout());
        var port = await site.PortAsync("w-1");

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => site.Provider.CreateServerAsync(site.Server("w-1", port, flavor: "Standard_HB120rs_v3"), Timeout()));

        Assert.StartsWith($"site '{SiteOnFakeArm.SiteName}': Azure refused to create the VM w-1 (Standard_HB120rs_v3): SkuNotAvailable: The requested VM size",
            failure.Message, StringComparison.Ordinal);
        Assert.Equal("choose another VM size or region, or try again later", failure.Fix);
        Assert.Single(site.Arm.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.EndsWith("/virtualMachines/w-1", StringComparison.Ordinal));
    }
}
