using System.Collections.Immutable;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.Azure.Api;
using GridSpan.Providers.Azure.Selection;
using GridSpan.Providers.Azure.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure.Check;

/// <summary>
/// Checks, before anything is created, that an Azure site can hold the cluster at its largest: the credentials (a token,
/// and the subscription enabled for them), every image (a marketplace version or a gallery image), every VM size (offered
/// to the subscription in the location), and the vCPU quotas of the location, per VM family and in total (the usages API).
/// </summary>
public sealed class AzureCheck(ArmAccess access)
{
    /// <summary>The usage that counts every vCPU of the location, whatever the family.</summary>
    private const string RegionalCores = "cores";

    public async Task<ImmutableArray<CheckFinding>> CheckSiteAsync(SiteSpec site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        var settings = (AzureSiteSettings)site.Settings;
        var findings = ImmutableArray.CreateBuilder<CheckFinding>();
        void Ok(string text) => findings.Add(new CheckFinding(site.Name, true, text));
        using var arm = access.Connect(site.Name, settings);
        try
        {
            var subscription = await arm.GetAsync($"/subscriptions/{settings.Subscription}", ArmApi.Subscriptions, "read the subscription", cancellationToken)
                .ConfigureAwait(false);
            var state = subscription?["state"]?.GetValue<string>();
            if (subscription is null || state != "Enabled")
            {
                findings.Add(new CheckFinding(site.Name, false,
                    subscription is null ? $"the credentials see no subscription {settings.Subscription}" : $"the subscription {settings.Subscription} is {state}",
                    "check the site's `subscription` (`az account list`) and that the credentials have a role in it"));
                return findings.ToImmutable();
            }
            Ok($"Azure accepts the credentials (subscription '{subscription["displayName"]}', {settings.Subscription}) in {settings.Location}");
        }
        catch (GridSpanException failure)
        {
            findings.Add(CheckFinding.Problem(site.Name, failure));
            return findings.ToImmutable();
        }

        foreach (var image in site.NodesAtMost().Select(n => n.Image).Distinct(StringComparer.Ordinal))
        {
            try
            {
                findings.Add(await CheckImageAsync(site.Name, settings, arm, image, cancellationToken).ConfigureAwait(false));
            }
            catch (GridSpanException failure)
            {
                findings.Add(CheckFinding.Problem(site.Name, failure));
            }
        }
        IReadOnlyDictionary<string, VmSize> sizes;
        try
        {
            sizes = await new VmSizes(arm, settings).ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GridSpanException failure)
        {
            findings.Add(CheckFinding.Problem(site.Name, failure));
            return findings.ToImmutable();
        }
        foreach (var flavor in site.NodesAtMost().Select(n => n.Flavor).Distinct(StringComparer.Ordinal))
        {
            findings.Add(CheckSize(site.Name, settings, sizes, flavor));
        }
        try
        {
            findings.AddRange(await CheckQuotaAsync(site, settings, arm, sizes, cancellationToken).ConfigureAwait(false));
        }
        catch (GridSpanException failure)
        {
            findings.Add(CheckFinding.Problem(site.Name, failure));
        }
        return findings.ToImmutable();
    }

    /// <summary>A marketplace image's version in the location (for `latest`, the newest one), or a gallery image (version).</summary>
    private static async Task<CheckFinding> CheckImageAsync(string site, AzureSiteSettings settings, ArmClient arm, string text, CancellationToken cancellationToken)
    {
        var image = AzureImage.Parse(text) ?? throw GridSpanException.Provider(site, $"'{text}' is not an Azure image");
        if (image.IsGallery)
        {
            var gallery = await arm.GetAsync(image.GalleryImageId!, ArmApi.Galleries, $"look up the gallery image {text}", cancellationToken).ConfigureAwait(false);
            return gallery is null
                ? new CheckFinding(site, false, $"the gallery image {text} does not exist", "check the image's resource id (`az sig image-definition list`)")
                : new CheckFinding(site, true, $"gallery image {SiteGroup.NameOf(text)} exists");
        }
        var versions = $"/subscriptions/{settings.Subscription}/providers/Microsoft.Compute/locations/{settings.Location}/publishers/{image.Publisher}" +
            $"/artifacttypes/vmimage/offers/{image.Offer}/skus/{image.Sku}/versions";
        var urn = $"{image.Publisher}:{image.Offer}:{image.Sku}";
        var missing = new CheckFinding(site, false, $"the marketplace has no image {text} in {settings.Location}",
            $"look the image up with `az vm image list --location {settings.Location} --publisher {image.Publisher} --offer {image.Offer} --all`");
        if (string.Equals(image.Version, "latest", StringComparison.OrdinalIgnoreCase))
        {
            // This list answers with a bare array of versions, not ARM's usual { value: [...] }.
            var listed = await arm.ReadAsync(versions, ArmApi.Compute, $"list the versions of the image {urn}", cancellationToken).ConfigureAwait(false);
            var newest = (listed as JsonArray ?? []).Select(v => v?["name"]?.GetValue<string>())
                .Select(v => Version.TryParse(v, out var parsed) ? parsed : null).OfType<Version>().DefaultIfEmpty().Max();
            return newest is null ? missing : new CheckFinding(site, true, $"image {text} is {urn}:{newest}");
        }
        var version = await arm.GetAsync($"{versions}/{image.Version}", ArmApi.Compute, $"look up the image {text}", cancellationToken).ConfigureAwait(false);
        return version is null ? missing : new CheckFinding(site, true, $"image {text} exists");
    }

    private static CheckFinding CheckSize(string site, AzureSiteSettings settings, IReadOnlyDictionary<string, VmSize> sizes, string flavor)
    {
        if (!sizes.TryGetValue(flavor, out var size))
        {
            return new CheckFinding(site, false, $"VM size {flavor} is not offered in {settings.Location}",
                $"choose a size of `az vm list-skus --location {settings.Location} --resource-type virtualMachines`");
        }
        return size.Restriction is { } reason
            ? new CheckFinding(site, false, $"VM size {flavor} is offered in {settings.Location}, but not to this subscription ({reason})",
                "choose another size or region, or ask Azure support to lift the restriction")
            : new CheckFinding(site, true, $"VM size {flavor}: {size.Cpus} vCPUs, {size.MemoryMiB} MiB (family {size.Family})");
    }

    /// <summary>Every node the site may hold at once against the location's vCPU quota of each family and in total.</summary>
    private static async Task<IEnumerable<CheckFinding>> CheckQuotaAsync(SiteSpec site, AzureSiteSettings settings, ArmClient arm,
        IReadOnlyDictionary<string, VmSize> sizes, CancellationToken cancellationToken)
    {
        var usages = await arm.ListAsync($"/subscriptions/{settings.Subscription}/providers/Microsoft.Compute/locations/{settings.Location}/usages",
            ArmApi.Compute, $"read the compute quotas of {settings.Location}", cancellationToken).ConfigureAwait(false);
        // Sizes not offered are problems of their own: only those the site can have count against the quota.
        var known = site.NodesAtMost().Select(n => sizes.GetValueOrDefault(n.Flavor)).OfType<VmSize>().Where(s => s.Restriction is null).ToList();
        var needed = known.GroupBy(s => s.Family, StringComparer.OrdinalIgnoreCase).Select(g => (Family: g.Key, Cpus: g.Sum(s => s.Cpus)))
            .Append((Family: RegionalCores, Cpus: known.Sum(s => s.Cpus)));
        var findings = new List<CheckFinding>();
        foreach (var (family, cpus) in needed)
        {
            var usage = usages.FirstOrDefault(u => string.Equals(u["name"]?["value"]?.GetValue<string>(), family, StringComparison.OrdinalIgnoreCase));
            var what = family == RegionalCores ? $"vCPUs in {settings.Location}" : $"vCPUs of {family} in {settings.Location}";
            if (usage is null)
            {
                findings.Add(new CheckFinding(site.Name, true, $"Azure reports no quota of {what}: not checked"));
                continue;
            }
            var limit = usage["limit"]!.GetValue<long>();
            var used = usage["currentValue"]!.GetValue<long>();
            findings.Add(used + cpus > limit
                ? new CheckFinding(site.Name, false, $"the site needs {cpus} {what}, but the quota is {limit} and {used} are in use",
                    "ask for more (Azure portal, Quotas, or `az quota update`), choose another VM family or region, or make the cluster smaller")
                : new CheckFinding(site.Name, true, $"{cpus} {what} fit the quota of {limit} ({used} in use)"));
        }
        return findings;
    }
}
