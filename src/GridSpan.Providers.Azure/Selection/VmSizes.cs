using System.Globalization;
using System.Text.Json.Nodes;
using GridSpan.Providers.Azure.Api;
using GridSpan.Providers.Azure.Settings;

namespace GridSpan.Providers.Azure.Selection;

/// <summary>A VM size as the location's resource SKUs describe it.</summary>
/// <param name="Family">The quota family its vCPUs count against, e.g. standardDSv5Family.</param>
/// <param name="Restriction">Why the subscription cannot use it in the location (ARM's reason code), or null when it can.</param>
public sealed record VmSize(string Name, string Family, int Cpus, long MemoryMiB, string? Restriction);

/// <summary>The VM sizes of a location, from ARM's resource SKUs list (`Microsoft.Compute/skus`, filtered by location).</summary>
internal sealed class VmSizes(ArmClient arm, AzureSiteSettings settings)
{
    public async Task<IReadOnlyDictionary<string, VmSize>> ListAsync(CancellationToken cancellationToken)
    {
        var skus = await arm.ListAsync($"/subscriptions/{settings.Subscription}/providers/Microsoft.Compute/skus", ArmApi.ComputeSkus,
            $"list the VM sizes of {settings.Location}", cancellationToken, $"location eq '{settings.Location}'").ConfigureAwait(false);
        var sizes = new Dictionary<string, VmSize>(StringComparer.OrdinalIgnoreCase);
        foreach (var sku in skus.Where(s => s["resourceType"]?.GetValue<string>() == "virtualMachines"))
        {
            var name = sku["name"]?.GetValue<string>();
            if (name is null)
            {
                continue;
            }
            string? Capability(string capability) => (sku["capabilities"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(c => c["name"]?.GetValue<string>() == capability)?["value"]?.GetValue<string>();
            var cpus = int.TryParse(Capability("vCPUs"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : 0;
            var memory = double.TryParse(Capability("MemoryGB"), NumberStyles.Float, CultureInfo.InvariantCulture, out var gb) ? (long)Math.Round(gb * 1024) : 0;
            var restriction = (sku["restrictions"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(r => r["type"]?.GetValue<string>() == "Location")
                .Select(r => r["reasonCode"]?.GetValue<string>() ?? "restricted")
                .FirstOrDefault();
            sizes[name] = new VmSize(name, sku["family"]?.GetValue<string>() ?? "", cpus, memory, restriction);
        }
        return sizes;
    }
}
