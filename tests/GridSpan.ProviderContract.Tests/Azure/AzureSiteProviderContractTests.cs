using System.Text.Json.Nodes;
using GridSpan.Providers.Azure;
using GridSpan.Provision;
using GridSpan.Testing.FakeArm;

namespace GridSpan.ProviderContract.Tests.Azure;

/// <summary>
/// The provider contract against a fake Azure Resource Manager that follows ARM's documented REST API (no emulator of
/// Azure's compute and network exists). Nothing boots: a VM is "Succeeded" after its operation's polls and its console
/// shows a host key, so these tests prove the calls, their order and ARM's answers as documented, not a node.
/// </summary>
public sealed class AzureSiteProviderContractTests(FakeArmFixture fake) : SiteProviderContract, IClassFixture<FakeArmFixture>
{

    protected override ContractSite Site { get; } = new(
        "azure-contract",
        "Debian:debian-12:12-gen2:latest",
        "Standard_B2s",
        LimitedServers: 1,
        RefusalMessage: "OperationNotAllowed: Operation could not be completed as it results in exceeding approved standardBSFamily Cores quota",
        ActiveTimeout: TimeSpan.FromSeconds(30));

    protected override Task<ISiteProvider> ConnectAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ISiteProvider>(AzureSiteProvider.Connect(Site.Name, fake.Arm.Settings(), FakeArmAccess.Access()));

    protected override Task<ISiteProvider> ConnectLimitedAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ISiteProvider>(AzureSiteProvider.Connect(Site.Name, fake.Limited.Settings(), FakeArmAccess.Access()));

    /// <summary>The NSG's rules as the fake ARM holds them.</summary>
    protected override Task<IReadOnlyCollection<string>> IngressRulesAsync(string groupId, CancellationToken cancellationToken)
    {
        var rules = (fake.Arm.Resource(groupId)?["properties"]?["securityRules"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => r["properties"]!)
            .Where(p => p["direction"]!.GetValue<string>() == "Inbound" && p["access"]!.GetValue<string>() == "Allow")
            .Select(p =>
            {
                var protocol = p["protocol"]!.GetValue<string>() switch { "*" => "any", var other => other.ToLowerInvariant() };
                var ports = p["destinationPortRange"]!.GetValue<string>().Split('-');
                int? Port(int i) => ports[0] == "*" ? null : int.Parse(ports[Math.Min(i, ports.Length - 1)], System.Globalization.CultureInfo.InvariantCulture);
                return Describe(protocol, Port(0), Port(1), p["sourceAddressPrefix"]!.GetValue<string>());
            });
        return Task.FromResult<IReadOnlyCollection<string>>([.. rules]);
    }
}
