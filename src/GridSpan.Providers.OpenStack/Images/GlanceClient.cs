using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using GridSpan.Providers.OpenStack.Http;

namespace GridSpan.Providers.OpenStack.Images;

/// <summary>An image the project may boot.</summary>
public sealed record GlanceImage(string Id, string Name, DateTimeOffset CreatedAt, long? MinDiskGiB, long? MinRamMiB);

/// <summary>Glance (images) v2: lists the active images the project can see, following pagination.</summary>
internal sealed class GlanceClient(ApiClient api, Uri baseUrl) : ServiceClient(api, "Glance", baseUrl)
{
    public async Task<ImmutableArray<GlanceImage>> ListActiveImagesAsync(CancellationToken cancellationToken)
    {
        var images = ImmutableArray.CreateBuilder<GlanceImage>();
        var next = "v2/images?status=active&limit=500";
        while (next is not null)
        {
            next = await GetAsync(next, "list images", body =>
            {
                foreach (var image in body.GetProperty("images").EnumerateArray())
                {
                    images.Add(new GlanceImage(
                        RequiredText(image, "id"),
                        Text(image, "name") ?? "",
                        DateTimeOffset.Parse(Text(image, "created_at") ?? "1970-01-01T00:00:00Z", CultureInfo.InvariantCulture),
                        Number(image, "min_disk"),
                        Number(image, "min_ram")));
                }
                return Text(body, "next") is { } link ? link.TrimStart('/') : null;
            }, cancellationToken).ConfigureAwait(false);
        }
        return images.ToImmutable();
    }

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
}
