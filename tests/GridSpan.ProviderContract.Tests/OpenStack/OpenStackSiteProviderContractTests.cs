using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using GridSpan.Common;
using GridSpan.Providers.OpenStack;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;
using GridSpan.Testing;

namespace GridSpan.ProviderContract.Tests.OpenStack;

/// <summary>The provider contract against the real OpenStack of scripts/openstack-harness, as a project member.</summary>
public sealed class OpenStackSiteProviderContractTests : SiteProviderContract
{
    protected override ContractSite Site { get; } = new(
        "openstack-contract",
        OpenStackHarness.ImagePattern,
        OpenStackHarness.Flavor,
        LimitedServers: 1,
        RefusalMessage: "Quota exceeded for instances",
        ActiveTimeout: TimeSpan.FromMinutes(2));

    protected override async Task<ISiteProvider> ConnectAsync(CancellationToken cancellationToken)
    {
        await OpenStackHarness.EnsureUpAsync();
        return Connect(OpenStackHarness.TestCloud);
    }

    protected override async Task<ISiteProvider> ConnectLimitedAsync(CancellationToken cancellationToken)
    {
        await OpenStackHarness.EnsureUpAsync();
        return Connect(OpenStackHarness.QuotaCloud);
    }

    /// <summary>Read with the openstack client the harness installs, as an operator would check.</summary>
    protected override async Task<IReadOnlyCollection<string>> IngressRulesAsync(string groupId, CancellationToken cancellationToken)
    {
        var listed = await new ProcessCommandRunner().RunCheckedAsync(
            CommandRequest.Of("openstack", "--os-cloud", OpenStackHarness.TestCloud, "security", "group", "rule", "list", groupId, "--ingress", "-f", "json")
                with { Environment = new Dictionary<string, string> { ["OS_CLIENT_CONFIG_FILE"] = OpenStackHarness.CloudsFilePath } },
            cancellationToken);
        using var rules = JsonDocument.Parse(listed.StandardOutput);
        return [.. rules.RootElement.EnumerateArray().Select(rule =>
        {
            string? Text(string name) => rule.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var ports = Text("Port Range") is { Length: > 0 } range ? range.Split(':') : null;
            return Describe(Text("IP Protocol") ?? "any", ports is null ? null : int.Parse(ports[0], CultureInfo.InvariantCulture),
                ports is null ? null : int.Parse(ports[^1], CultureInfo.InvariantCulture), Text("IP Range") ?? Text("Remote IP Prefix") ?? "");
        })];
    }

    private OpenStackSiteProvider Connect(string cloud) =>
        OpenStackSiteProvider.Connect(Site.Name,
            new OpenStackSiteSettings(cloud, null, null, null, "public", ImmutableArray<string>.Empty, null, null, null),
            OpenStackHarness.Cloud(cloud));
}
