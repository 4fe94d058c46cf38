using System.Text.RegularExpressions;

namespace GridSpan.Providers.Azure.Selection;

/// <summary>
/// An image as cluster.yaml names it: a marketplace URN `publisher:offer:sku:version` (version `latest` for the newest),
/// as `az vm create --image` takes it, or the resource id of a compute gallery image (its newest version) or image version.
/// </summary>
public sealed partial record AzureImage(string? Publisher, string? Offer, string? Sku, string? Version, string? GalleryImageId)
{
    public bool IsGallery => GalleryImageId is not null;

    public static AzureImage? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (GalleryPattern().IsMatch(text))
        {
            return new AzureImage(null, null, null, null, text);
        }
        var parts = text.Split(':');
        return parts.Length == 4 && parts.All(p => UrnPartPattern().IsMatch(p)) ? new AzureImage(parts[0], parts[1], parts[2], parts[3], null) : null;
    }

    /// <summary>The VM's `storageProfile.imageReference` for this image, the version resolved.</summary>
    public System.Text.Json.Nodes.JsonObject Reference(string resolvedVersion) => IsGallery
        ? new() { ["id"] = GalleryImageId }
        : new() { ["publisher"] = Publisher, ["offer"] = Offer, ["sku"] = Sku, ["version"] = resolvedVersion };

    public override string ToString() => GalleryImageId ?? $"{Publisher}:{Offer}:{Sku}:{Version}";

    [GeneratedRegex(@"\A/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w._()]{1,90}/providers/Microsoft\.Compute/galleries/[\w.]{1,80}/images/[-\w.]{1,80}(/versions/[0-9]+\.[0-9]+\.[0-9]+)?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex GalleryPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9][-A-Za-z0-9._]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UrnPartPattern();
}
