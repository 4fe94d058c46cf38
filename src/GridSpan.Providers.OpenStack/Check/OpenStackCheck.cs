using System.Collections.Immutable;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Settings;

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

    public async Task<ImmutableArray<CheckFinding>> CheckClusterAsync(ClusterSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sites = spec.Sites.Where(s => s.Settings is OpenStackSiteSettings).ToList();
        var results = await Task.WhenAll(sites.Select(s => CheckSiteAsync(s, cancellationToken))).ConfigureAwait(false);
        return [.. results.SelectMany(r => r)];
    }

    public async Task<ImmutableArray<CheckFinding>> CheckSiteAsync(SiteSpec site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        var settings = (OpenStackSiteSettings)site.Settings;
        var findings = ImmutableArray.CreateBuilder<CheckFinding>();
        void Ok(string text) => findings.Add(new CheckFinding(site.Name, true, text));
        void Problem(string text, string? fix) => findings.Add(new CheckFinding(site.Name, false, text, fix));

        CloudConfig cloud;
        try
        {
            cloud = CloudsFile.Load(locator, settings.Cloud);
        }
        catch (GridSpanException failure)
        {
            Problem(failure.Message, failure.Fix);
            return findings.ToImmutable();
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
            return findings.ToImmutable();
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

        await Try(async () =>
        {
            var limits = await session.Nova.LimitsAsync(cancellationToken).ConfigureAwait(false);
            Quota("instances", demand.Instances, limits.Instances, limits.InstancesUsed);
            Quota("cores", demand.Cores, limits.Cores, limits.CoresUsed);
            Quota("RAM (MiB)", demand.RamMiB, limits.RamMiB, limits.RamUsedMiB);
        }).ConfigureAwait(false);
        await Try(async () =>
        {
            var quotas = (await session.Neutron.QuotaDetailsAsync(session.ProjectId, cancellationToken).ConfigureAwait(false))
                .ToDictionary(q => q.Resource, StringComparer.Ordinal);
            void Network(string resource, string label, long need)
            {
                if (need > 0 && quotas.TryGetValue(resource, out var q))
                {
                    Quota(label, need, q.Limit, q.Used);
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
                Ok($"{what}: needs up to {need}, the quota is unlimited");
                return;
            }
            var free = Math.Max(0, limit - used);
            var text = $"{what}: the cluster needs up to {need} (at its largest, on-demand nodes included); the project's quota is {limit} with {used} in use, so {free} free";
            if (need <= free)
            {
                Ok(text);
            }
            else
            {
                Problem(text, $"ask the cloud's operators to raise the {what} quota by {need - free}, or make the site smaller");
            }
        }

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

    private static string StripSite(string message, string site)
    {
        var prefix = $"site '{site}': ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }
}
