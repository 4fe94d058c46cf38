using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Compute;
using GridSpan.Providers.OpenStack.Images;
using GridSpan.Providers.OpenStack.Selection;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

public sealed partial class OpenStackSiteProvider
{
    public async Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = await _session.Value.ConfigureAwait(false);
        var tag = ClusterTag.For(request.ClusterId);
        var existing = (await session.Nova.ListServersAsync(tag, cancellationToken, request.Name).ConfigureAwait(false))
            .FirstOrDefault(s => s.Name == request.Name && s.Status != "ERROR");
        if (existing is not null)
        {
            return ToServerInfo(existing);
        }
        var image = await ResolveImageAsync(session, request.Image, cancellationToken).ConfigureAwait(false);
        var flavor = await ResolveFlavorAsync(session, request.Flavor, cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, string>(request.Metadata ?? ImmutableSortedDictionary<string, string>.Empty, StringComparer.Ordinal)
        {
            ["gridspan-cluster"] = request.ClusterId,
        };
        var id = await session.Nova.CreateServerAsync(new NovaServerCreate(
            request.Name, image.Id, flavor.Id, request.PortId, request.KeyPairName, request.UserData, metadata,
            [tag], _settings.AvailabilityZone, _settings.BootVolumeSize), cancellationToken).ConfigureAwait(false);
        return await GetServerAsync(id, cancellationToken).ConfigureAwait(false)
            ?? new ServerInfo(id, request.Name, ServerStatus.Building, [], [], null);
    }

    /// <summary>The image an image setting names in this site (by id, name or /regex/).</summary>
    public async Task<GlanceImage> ResolveImageAsync(string wanted, CancellationToken cancellationToken) =>
        await ResolveImageAsync(await _session.Value.ConfigureAwait(false), wanted, cancellationToken).ConfigureAwait(false);

    /// <summary>The flavor a flavor setting names in this site (by id, name or minimums).</summary>
    public async Task<NovaFlavor> ResolveFlavorAsync(string wanted, CancellationToken cancellationToken) =>
        await ResolveFlavorAsync(await _session.Value.ConfigureAwait(false), wanted, cancellationToken).ConfigureAwait(false);

    private async Task<GlanceImage> ResolveImageAsync(OpenStackSession session, string wanted, CancellationToken cancellationToken)
    {
        var images = _images ??= await session.Glance.ListActiveImagesAsync(cancellationToken).ConfigureAwait(false);
        return ImageSelector.Select(images, wanted) ?? throw GridSpanException.Provider(_site,
            $"no active image matches '{wanted}' ({ImageSelector.Sample(images)})",
            "set the image to one of those names, or to a /regular expression/ that matches one");
    }

    private async Task<NovaFlavor> ResolveFlavorAsync(OpenStackSession session, string wanted, CancellationToken cancellationToken)
    {
        var flavors = _flavors ??= await session.Nova.ListFlavorsAsync(cancellationToken).ConfigureAwait(false);
        return FlavorSelector.Select(flavors, wanted) ?? throw GridSpanException.Provider(_site,
            $"no flavor matches '{wanted}' ({FlavorSelector.Sample(flavors)})",
            "set the flavor to one of those names, or to minimums such as 'cpus>=2 ram>=4GiB'");
    }

    public async Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken)
    {
        var nova = (await _session.Value.ConfigureAwait(false)).Nova;
        return await nova.GetServerAsync(serverId, cancellationToken).ConfigureAwait(false) is { } server ? ToServerInfo(server) : null;
    }

    private static ServerInfo ToServerInfo(NovaServer server) => new(
        server.Id,
        server.Name,
        server.Status switch
        {
            "ACTIVE" => ServerStatus.Active,
            "ERROR" => ServerStatus.Error,
            _ => ServerStatus.Building,
        },
        server.Addresses,
        [],
        server.Fault);
}
