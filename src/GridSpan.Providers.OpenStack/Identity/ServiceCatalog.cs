using System.Collections.Immutable;
using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Providers.OpenStack.Identity;

/// <summary>One endpoint of Keystone's service catalog.</summary>
public sealed record CatalogEndpoint(string ServiceType, string Interface, string? Region, Uri Url);

/// <summary>The services a token may call, and where: chosen by service type, interface and region.</summary>
public sealed class ServiceCatalog(ImmutableArray<CatalogEndpoint> endpoints)
{
    public ImmutableArray<CatalogEndpoint> Endpoints { get; } = endpoints;

    public static ServiceCatalog FromToken(JsonElement token)
    {
        var list = ImmutableArray.CreateBuilder<CatalogEndpoint>();
        if (token.TryGetProperty("catalog", out var catalog) && catalog.ValueKind == JsonValueKind.Array)
        {
            foreach (var service in catalog.EnumerateArray())
            {
                var type = service.GetProperty("type").GetString() ?? "";
                foreach (var endpoint in service.GetProperty("endpoints").EnumerateArray())
                {
                    var region = endpoint.TryGetProperty("region_id", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()
                        : endpoint.TryGetProperty("region", out var r2) && r2.ValueKind == JsonValueKind.String ? r2.GetString() : null;
                    if (Uri.TryCreate(endpoint.GetProperty("url").GetString(), UriKind.Absolute, out var url))
                    {
                        list.Add(new CatalogEndpoint(type, endpoint.GetProperty("interface").GetString() ?? "", region, url));
                    }
                }
            }
        }
        return new ServiceCatalog(list.ToImmutable());
    }

    /// <summary>The URL of a service for an interface and region (any region when null); a clear error when the catalog has none.</summary>
    public Uri Find(string site, string serviceType, string @interface, string? region)
    {
        var matches = Endpoints.Where(e => e.ServiceType == serviceType && e.Interface == @interface
            && (region is null || string.Equals(e.Region, region, StringComparison.Ordinal))).ToList();
        if (matches.Count > 0)
        {
            return matches[0].Url;
        }
        var ofType = Endpoints.Where(e => e.ServiceType == serviceType).ToList();
        var have = ofType.Count == 0
            ? "it has no such service"
            : "it has " + string.Join(", ", ofType.Select(e => $"{e.Interface} in {e.Region ?? "no region"}").Distinct(StringComparer.Ordinal));
        throw GridSpanException.Provider(site,
            $"the cloud's service catalog has no {@interface} '{serviceType}' endpoint" + (region is null ? "" : $" in region '{region}'") + $" ({have})",
            "set region_name and interface in clouds.yaml to ones the catalog offers");
    }
}
