using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack.Check;

/// <summary>
/// Checks, before anything is created, that each OpenStack site of a cluster can hold it: the cloud
/// answers and accepts the credentials, the images and flavors exist, the network exists (or there
/// is quota to create one), and the project's quotas cover the cluster at its largest, on-demand
/// nodes included. Every problem is reported, not only the first, with the cloud's own numbers.
/// </summary>
public sealed class OpenStackCheck(CloudsFileLocator locator, RetrySettings? retry = null)
{
    private readonly RetrySettings _retry = retry ?? RetrySettings.Default;

    /// <summary>Checks OpenStack sites of one cluster: each on its own, then each project's quotas against all its sites.</summary>
    public async Task<ImmutableArray<CheckFinding>> CheckSitesAsync(IReadOnlyList<SiteSpec> sites, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var inspections = await Task.WhenAll(sites.Select(s => InspectSiteAsync(s, cancellationToken))).ConfigureAwait(false);
        var findings = inspections.SelectMany(i => i.Findings).ToList();
        // Sites in one project draw on one quota: their demands add up.
        foreach (var project in inspections.Where(i => i.Project is not null).GroupBy(i => i.Project))
        {
            findings.AddRange(await CheckQuotasAsync([.. project], cancellationToken).ConfigureAwait(false));
        }
        return [.. findings];
    }

    public async Task<ImmutableArray<CheckFinding>> CheckSiteAsync(SiteSpec site, CancellationToken cancellationToken)
    {
        var inspection = await InspectSiteAsync(site, cancellationToken).ConfigureAwait(false);
        var quotas = inspection.Project is null ? [] : await CheckQuotasAsync([inspection], cancellationToken).ConfigureAwait(false);
        return [.. inspection.Findings, .. quotas];
    }

    /// <summary>What one site found, and what it takes from which project (null when the cloud could not be used).</summary>
    private sealed record SiteInspection(SiteSpec Site, ImmutableArray<CheckFinding> Findings, string? Project, SiteDemand Demand);

    private async Task<SiteInspection> InspectSiteAsync(SiteSpec site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        var settings = (OpenStackSiteSettings)site.Settings;
        var findings = ImmutableArray.CreateBuilder<CheckFinding>();
        void Ok(string text) => findings.Add(new CheckFinding(site.Name, true, text));
        void Problem(string text, string? fix) => findings.Add(new CheckFinding(site.Name, false, text, fix));
        SiteInspection Unusable() => new(site, findings.ToImmutable(), null, SiteDemand.Of(site, _ => null, false));

        CloudConfig cloud;
        try
        {
            cloud = CloudsFile.Load(locator, settings.Cloud);
        }
        catch (GridSpanException failure)
        {
            Problem(failure.Message, failure.Fix);
            return Unusable();
        }
        await using var provider = OpenStackSiteProvider.Connect(site.Name, settings, cloud, _retry);
        OpenStackSession session;
        try
        {
            session = await provider.SessionAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GridSpanException failure)
        {
            Problem($"cannot use cloud '{cloud.Name}': {StripSite(failure.Message, site.Name)}", failure.Fix);
            return Unusable();
        }
        Ok($"cloud '{cloud.Name}' answers and accepts the credentials (project {session.ProjectId})");

        foreach (var image in SiteDemand.Images(site).Distinct(StringComparer.Ordinal))
        {
            await Try(async () =>
            {
                var found = await provider.ResolveImageAsync(image, cancellationToken).ConfigureAwait(false);
                Ok($"image '{image}' is {found.Name} ({found.Id})");
            }).ConfigureAwait(false);
        }
        var sizes = new Dictionary<string, (int, long)?>(StringComparer.Ordinal);
        foreach (var (flavor, _) in SiteDemand.Nodes(site).DistinctBy(n => n.Flavor))
        {
            sizes[flavor] = null;
            await Try(async () =>
            {
                var found = await provider.ResolveFlavorAsync(flavor, cancellationToken).ConfigureAwait(false);
                sizes[flavor] = (found.Cpus, found.MemoryMiB);
                Ok($"flavor '{flavor}' is {found.Name} ({found.Cpus} CPU, {found.MemoryMiB} MiB)");
            }).ConfigureAwait(false);
        }

        if (settings.UsesExistingNetwork)
        {
            await Try(async () =>
            {
                var network = await provider.FindExistingNetworkAsync(cancellationToken).ConfigureAwait(false);
                Ok($"network '{network.Name}' exists with subnet {network.Cidr}");
            }).ConfigureAwait(false);
        }
        var demand = SiteDemand.Of(site, f => sizes.GetValueOrDefault(f), !settings.UsesExistingNetwork);
        if (demand.FloatingIps > 0 || !settings.UsesExistingNetwork)
        {
            await Try(async () =>
            {
                var external = await provider.FindExternalNetworkAsync(required: demand.FloatingIps > 0, cancellationToken).ConfigureAwait(false);
                if (external is not null)
                {
                    Ok($"external network '{external}' gives floating IPs");
                }
            }).ConfigureAwait(false);
        }

        // A project is one cloud's project in one region: sites naming different clouds.yaml entries may share it.
        var project = $"{cloud.AuthUrl} {cloud.RegionName} {session.ProjectId}";
        return new SiteInspection(site, findings.ToImmutable(), project, demand);

        async Task Try(Func<Task> check)
        {
            try
            {
                await check().ConfigureAwait(false);
            }
            catch (GridSpanException failure)
            {
                Problem(StripSite(failure.Message, site.Name), failure.Fix);
            }
        }
    }

    /// <summary>Checks the quotas of one project against the summed demand of its sites (one or more).</summary>
    private async Task<ImmutableArray<CheckFinding>> CheckQuotasAsync(IReadOnlyList<SiteInspection> sites, CancellationToken cancellationToken)
    {
        var first = sites[0].Site;
        var label = string.Join(", ", sites.Select(s => s.Site.Name));
        var demand = sites.Select(s => s.Demand).Aggregate((a, b) => a + b);
        var shared = sites.Count == 1 ? "" : $" (sites {label} share this project; their demands are added)";
        var findings = ImmutableArray.CreateBuilder<CheckFinding>();
        var settings = (OpenStackSiteSettings)first.Settings;
        CloudConfig cloud;
        try
        {
            cloud = CloudsFile.Load(locator, settings.Cloud);
        }
        catch (GridSpanException failure)
        {
            findings.Add(new CheckFinding(label, false, failure.Message, failure.Fix));
            return findings.ToImmutable();
        }
        await using var provider = OpenStackSiteProvider.Connect(first.Name, settings, cloud, _retry);
        await Try(async () =>
        {
            var session = await provider.SessionAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var limits = await session.Nova.LimitsAsync(cancellationToken).ConfigureAwait(false);
            Quota("instances", demand.Instances, limits.Instances, limits.InstancesUsed);
            Quota("cores", demand.Cores, limits.Cores, limits.CoresUsed);
            Quota("RAM (MiB)", demand.RamMiB, limits.RamMiB, limits.RamUsedMiB);
        }).ConfigureAwait(false);
        await Try(async () =>
        {
            var session = await provider.SessionAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var quotas = (await session.Neutron.QuotaDetailsAsync(session.ProjectId, cancellationToken).ConfigureAwait(false))
                .ToDictionary(q => q.Resource, StringComparer.Ordinal);
            void Network(string resource, string what, long need)
            {
                if (need > 0 && quotas.TryGetValue(resource, out var q))
                {
                    Quota(what, need, q.Limit, q.Used);
                }
            }
            Network("floatingip", "floating IPs", demand.FloatingIps);
            Network("port", "ports", demand.Ports);
            Network("security_group", "security groups", demand.SecurityGroups);
            Network("network", "networks", demand.Networks);
            Network("subnet", "subnets", demand.Subnets);
            Network("router", "routers", demand.Routers);
        }).ConfigureAwait(false);
        return findings.ToImmutable();

        void Quota(string what, long need, long limit, long used)
        {
            if (limit < 0)
            {
                findings.Add(new CheckFinding(label, true, $"{what}: needs up to {need}, the quota is unlimited{shared}"));
                return;
            }
            var free = Math.Max(0, limit - used);
            var text = $"{what}: the cluster needs up to {need} (at its largest, on-demand nodes included); the project's quota is {limit} with {used} in use, so {free} free{shared}";
            findings.Add(need <= free
                ? new CheckFinding(label, true, text)
                : new CheckFinding(label, false, text, $"ask the cloud's operators to raise the {what} quota by {need - free}, or make the sites in this project smaller"));
        }

        async Task Try(Func<Task> check)
        {
            try
            {
                await check().ConfigureAwait(false);
            }
            catch (GridSpanException failure)
            {
                findings.Add(new CheckFinding(label, false, StripSite(failure.Message, first.Name), failure.Fix));
            }
        }
    }

    private static string StripSite(string message, string site)
    {
        var prefix = $"site '{site}': ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }
}
