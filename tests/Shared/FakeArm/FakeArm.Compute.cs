using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace GridSpan.Testing.FakeArm;

/// <param name="Restriction">ARM's reason code when the subscription may not use the size in the location.</param>
public sealed record FakeVmSize(string Name, string Family, int Cpus, double MemoryGb, string? Restriction = null);

public sealed partial class FakeArm
{
    /// <summary>The location's VM sizes (resource SKUs).</summary>
    public ConcurrentDictionary<string, FakeVmSize> Sizes { get; } = new(new Dictionary<string, FakeVmSize>
    {
        ["Standard_B2s"] = new("Standard_B2s", "standardBSFamily", 2, 4),
        ["Standard_D2s_v5"] = new("Standard_D2s_v5", "standardDSv5Family", 2, 8),
        ["Standard_D4s_v5"] = new("Standard_D4s_v5", "standardDSv5Family", 4, 16),
        ["Standard_HB120rs_v3"] = new("Standard_HB120rs_v3", "standardHBrsv3Family", 120, 456, "NotAvailableForSubscription"),
    }, StringComparer.OrdinalIgnoreCase);

    /// <summary>vCPU quota per family, and `cores` for the location's total; what is not here has a limit of 100.</summary>
    public ConcurrentDictionary<string, long> Quotas { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>vCPUs in use per family by VMs this fake does not hold (other deployments of the subscription).</summary>
    public ConcurrentDictionary<string, long> UsedElsewhere { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Marketplace images: publisher:offer:sku → versions.</summary>
    public ConcurrentDictionary<string, string[]> Images { get; } = new(new Dictionary<string, string[]>
    {
        ["Debian:debian-12:12-gen2"] = ["0.20250101.1964", "0.20250311.2053"],
    }, StringComparer.OrdinalIgnoreCase);

    /// <summary>The custom data a VM was created with, decoded (ARM never returns it: only the test can look).</summary>
    public string? CustomDataOf(string vmId)
    {
        lock (_lock)
        {
            return _resources.TryGetValue(vmId, out var vm) && vm["properties"]?["osProfile"]?["customData"]?.GetValue<string>() is { } data
                ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data))
                : null;
        }
    }

    private long QuotaOf(string family) => Quotas.TryGetValue(family, out var limit) ? limit : 100;

    private long CoresInUse(string? family) =>
        UsedElsewhere.Where(u => family is null || u.Key.Equals(family, StringComparison.OrdinalIgnoreCase)).Sum(u => u.Value)
        + OfType("Microsoft.Compute/virtualMachines")
            .Select(v => Sizes.GetValueOrDefault(v["properties"]!["hardwareProfile"]!["vmSize"]!.GetValue<string>()))
            .OfType<FakeVmSize>()
            .Where(s => family is null || s.Family.Equals(family, StringComparison.OrdinalIgnoreCase))
            .Sum(s => s.Cpus);

    private Reply Compute(string[] path, System.Collections.Specialized.NameValueCollection query) => path switch
    {
        ["skus"] => Ok(new JsonObject
        {
            ["value"] = new JsonArray([.. Sizes.Values.Select(s => (JsonNode)new JsonObject
            {
                ["resourceType"] = "virtualMachines", ["name"] = s.Name, ["tier"] = "Standard", ["family"] = s.Family,
                ["locations"] = new JsonArray(LocationOf(query["$filter"])),
                ["capabilities"] = new JsonArray(
                    new JsonObject { ["name"] = "vCPUs", ["value"] = s.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    new JsonObject { ["name"] = "MemoryGB", ["value"] = s.MemoryGb.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                ["restrictions"] = s.Restriction is null ? new JsonArray()
                    : new JsonArray(new JsonObject { ["type"] = "Location", ["reasonCode"] = s.Restriction, ["values"] = new JsonArray(LocationOf(query["$filter"])) }),
            })]),
        }),
        ["locations", _, "usages"] => Ok(new JsonObject
        {
            ["value"] = new JsonArray([.. Sizes.Values.Select(s => s.Family).Distinct(StringComparer.OrdinalIgnoreCase).Append("cores")
                .Select(f => (JsonNode)new JsonObject
                {
                    ["unit"] = "Count", ["currentValue"] = CoresInUse(f == "cores" ? null : f), ["limit"] = QuotaOf(f),
                    ["name"] = new JsonObject { ["value"] = f, ["localizedValue"] = f == "cores" ? "Total Regional vCPUs" : $"{f} vCPUs" },
                })]),
        }),
        ["locations", var location, "publishers", var publisher, "artifacttypes", "vmimage", "offers", var offer, "skus", var sku, "versions"] =>
            Images.TryGetValue($"{publisher}:{offer}:{sku}", out var versions)
                ? Ok(new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["location"] = location, ["name"] = v,
                    ["id"] = $"/Subscriptions/{Subscription}/Providers/Microsoft.Compute/Locations/{location}/Publishers/{publisher}/ArtifactTypes/VMImage/Offers/{offer}/Skus/{sku}/Versions/{v}" })]))
                : Error(HttpStatusCode.NotFound, "NotFound", $"Artifact: VMImage was not found."),
        ["locations", _, "publishers", var publisher, "artifacttypes", "vmimage", "offers", var offer, "skus", var sku, "versions", var version] =>
            Images.TryGetValue($"{publisher}:{offer}:{sku}", out var versions) && versions.Contains(version)
                ? Ok(new JsonObject { ["name"] = version, ["properties"] = new JsonObject { ["osImage"] = new JsonObject { ["operatingSystem"] = "Linux" } } })
                : Error(HttpStatusCode.NotFound, "NotFound", $"Artifact: VMImage was not found."),
        _ => Error(HttpStatusCode.NotFound, "InvalidResourceType", $"The resource type '{string.Join('/', path)}' could not be found in the namespace 'Microsoft.Compute'."),
    };

    private static string LocationOf(string? filter) =>
        filter is not null && System.Text.RegularExpressions.Regex.Match(filter, "location eq '([^']*)'") is { Success: true } match ? match.Groups[1].Value : "westeurope";

    private Reply? ShapeVm(JsonObject vm, JsonObject? existing)
    {
        var id = vm["id"]!.GetValue<string>();
        var properties = (JsonObject)vm["properties"]!;
        var sizeName = properties["hardwareProfile"]?["vmSize"]?.GetValue<string>() ?? "";
        if (!Sizes.TryGetValue(sizeName, out var size) || size.Restriction is not null)
        {
            return Error(HttpStatusCode.Conflict, "SkuNotAvailable",
                $"The requested VM size '{sizeName}' is currently not available in location '{vm["location"]}'. Please try another size or deploy to a different location.");
        }
        foreach (var nic in (properties["networkProfile"]?["networkInterfaces"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var nicId = nic["id"]?.GetValue<string>() ?? "";
            if (!_resources.ContainsKey(nicId))
            {
                return Error(HttpStatusCode.BadRequest, "InvalidResourceReference", $"Resource {nicId} referenced by resource {id} was not found.");
            }
            if (OfType("Microsoft.Compute/virtualMachines").FirstOrDefault(v => UsesNic(v, nicId) && !v["id"]!.GetValue<string>().Equals(id, StringComparison.OrdinalIgnoreCase)) is { } other)
            {
                return Error(HttpStatusCode.BadRequest, "NicInUse", $"Network Interface {nicId} is used by existing resource {other["id"]}.");
            }
        }
        if (properties["osProfile"]?["customData"]?.GetValue<string>() is { } customData && customData.Length > 65536)
        {
            return Error(HttpStatusCode.BadRequest, "InvalidParameter", "Custom data in OSProfile must be in Base64 encoding and with a maximum length of 87380 characters.");
        }
        if (existing is null)
        {
            foreach (var family in new[] { size.Family, "cores" })
            {
                var used = CoresInUse(family == "cores" ? null : family);
                var limit = QuotaOf(family);
                if (used + size.Cpus > limit)
                {
                    return Error(HttpStatusCode.Conflict, "OperationNotAllowed",
                        $"Operation could not be completed as it results in exceeding approved {family} Cores quota. Additional details - Deployment Model: Resource Manager, " +
                        $"Location: {vm["location"]}, Current Limit: {limit}, Current Usage: {used}, Additional Required: {size.Cpus}, (Minimum) New Limit Required: {used + size.Cpus}.");
                }
            }
        }
        if (vm["identity"] is null && existing?["identity"] is null)
        {
            return null;
        }
        vm["identity"] = existing?["identity"]?.DeepClone() ?? new JsonObject
        {
            ["type"] = "SystemAssigned",
            ["principalId"] = Guid.NewGuid().ToString(),
            ["tenantId"] = "00000000-0000-4000-8000-00000000fe11",
        };
        return null;
    }

    private Reply Action(string vmId, string action, System.Collections.Specialized.NameValueCollection query)
    {
        if (action != "retrieveBootDiagnosticsData")
        {
            return Error(HttpStatusCode.NotFound, "InvalidResourceType", $"The action '{action}' is not known to the fake.");
        }
        if (!_resources.TryGetValue(vmId, out var vm))
        {
            return Error(HttpStatusCode.NotFound, "ResourceNotFound", $"The Resource '{vmId}' was not found.");
        }
        var name = vm["name"]!.GetValue<string>();
        return Ok(new JsonObject
        {
            ["consoleScreenshotBlobUri"] = new Uri(Url, $"blobs/{name}.screenshot.bmp?sv=2023-01-03&sig=fake").ToString(),
            ["serialConsoleLogBlobUri"] = new Uri(Url, $"blobs/{Uri.EscapeDataString(vmId)}?sv=2023-01-03&se={query["sasUriExpirationTimeInMinutes"]}&sig=fake").ToString(),
        });
    }

    /// <summary>What cloud-init prints on the console of a VM that has booted: the host key it made, between its markers.</summary>
    private Reply ConsoleLog(string escapedVmId)
    {
        lock (_lock)
        {
            var vmId = Uri.UnescapeDataString(escapedVmId);
            if (!_resources.TryGetValue(vmId, out var vm) || vm["properties"]!["provisioningState"]!.GetValue<string>() != "Succeeded")
            {
                return new Reply(HttpStatusCode.NotFound, null, Text: "BlobNotFound");
            }
            var key = Convert.ToBase64String([0, 0, 0, 11, .. "ssh-ed25519"u8.ToArray(), 0, 0, 0, 32, .. System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(vmId))]);
            var name = vm["name"]!.GetValue<string>();
            return new Reply(HttpStatusCode.OK, null, Text:
                $"[   12.3] cloud-init[612]: Cloud-init v. 22.4.2 running 'modules:final'\n" +
                "<14>Dec  2 18:40:01 ec2: \n" +
                "<14>Dec  2 18:40:01 ec2: #############################################################\n" +
                "<14>Dec  2 18:40:01 ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----\n" +
                "<14>Dec  2 18:40:01 ec2: 256 SHA256:7bY0n0tReAlLyAfInGeRpRiNt root@" + name + " (ED25519)\n" +
                "<14>Dec  2 18:40:01 ec2: -----END SSH HOST KEY FINGERPRINTS-----\n" +
                "-----BEGIN SSH HOST KEY KEYS-----\n" +
                $"ssh-ed25519 {key} root@{name}\n" +
                "-----END SSH HOST KEY KEYS-----\n");
        }
    }
}
