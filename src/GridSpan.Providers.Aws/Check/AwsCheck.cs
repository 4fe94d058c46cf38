using System.Collections.Immutable;
using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SecurityToken.Model;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.Aws.Api;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws.Check;

/// <summary>
/// Checks, before anything is created, that each AWS site can hold the cluster at its largest: the credentials
/// (STS GetCallerIdentity), every AMI, every instance type and whether the site's zone offers it, and the limits EC2 reports itself
/// (DescribeAccountAttributes: instances, Elastic IPs). The vCPU quotas per instance family and the VPCs per
/// region live in Service Quotas, which GridSpan does not ask: the check says so.
/// </summary>
public sealed class AwsCheck(AwsEndpoint endpoint)
{
    public async Task<ImmutableArray<CheckFinding>> CheckSitesAsync(IReadOnlyList<SiteSpec> sites, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var findings = await Task.WhenAll(sites.Select(s => CheckSiteAsync(s, cancellationToken))).ConfigureAwait(false);
        return [.. findings.SelectMany(f => f)];
    }

    public async Task<ImmutableArray<CheckFinding>> CheckSiteAsync(SiteSpec site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        var settings = (AwsSiteSettings)site.Settings;
        var findings = ImmutableArray.CreateBuilder<CheckFinding>();
        void Ok(string text) => findings.Add(new CheckFinding(site.Name, true, text));
        void Problem(GridSpanException failure) => findings.Add(CheckFinding.Problem(site.Name, failure));
        async Task Try(Func<Task> step)
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (GridSpanException failure)
            {
                Problem(failure);
            }
        }

        var call = new AwsCall(site.Name);
        using (var sts = endpoint.Sts(settings))
        {
            try
            {
                var identity = await call.RunAsync("STS", "say whose the credentials are", token => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token),
                    cancellationToken).ConfigureAwait(false);
                Ok($"AWS accepts the credentials (account {identity.Account}, {identity.Arn}) in {settings.Region}");
            }
            catch (GridSpanException failure)
            {
                Problem(failure);
                return findings.ToImmutable();
            }
        }

        await using var provider = AwsSiteProvider.Connect(site.Name, settings, endpoint);
        using var ec2 = endpoint.Ec2(settings);
        foreach (var image in site.NodesAtMost().Select(n => n.Image).Distinct(StringComparer.Ordinal))
        {
            await Try(async () =>
            {
                var id = await provider.ResolveImageAsync(image, cancellationToken).ConfigureAwait(false);
                var found = (await call.Ec2Async($"look up the AMI {id}", token => ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [id] }, token),
                    cancellationToken).ConfigureAwait(false)).Images?.FirstOrDefault();
                if (found is null)
                {
                    throw GridSpanException.Provider(site.Name, $"the AMI {id} does not exist in {settings.Region}", "set the image to an AMI of the site's region");
                }
                Ok(image == id ? $"image {id} exists ({found.Name})" : $"image '{image}' is {id} ({found.Name})");
            }).ConfigureAwait(false);
        }
        foreach (var (flavor, image) in site.NodesAtMost().DistinctBy(n => n.Flavor, StringComparer.Ordinal))
        {
            await Try(async () =>
            {
                var type = await provider.ResolveInstanceTypeAsync(flavor, image, cancellationToken).ConfigureAwait(false);
                var named = type.InstanceType.Value == flavor ? $"instance type {flavor}" : $"flavor '{flavor}' is instance type {type.InstanceType.Value}";
                Ok(string.Create(CultureInfo.InvariantCulture, $"{named}: {type.VCpuInfo?.DefaultVCpus} vCPUs, {type.MemoryInfo?.SizeInMiB} MiB"));
                findings.Add(await CheckOfferingAsync(site.Name, settings, provider, type.InstanceType.Value, cancellationToken).ConfigureAwait(false));
            }).ConfigureAwait(false);
        }
        await Try(async () => findings.AddRange(await CheckLimitsAsync(site, ec2, call, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
        return findings.ToImmutable();
    }

    /// <summary>
    /// For a site with on-demand workers: whether the master can be given an instance profile to create them, which
    /// needs the master to run as an instance of an AWS site in the same region. Null for a site without on-demand workers.
    /// </summary>
    public static CheckFinding? MasterReach(SiteSpec site, SiteSpec masterSite)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(masterSite);
        if (!site.Workers.Any(w => w.OnDemand > 0))
        {
            return null;
        }
        var region = ((AwsSiteSettings)site.Settings).Region;
        if (masterSite.Settings is AwsSiteSettings master && master.Region == region)
        {
            return new CheckFinding(site.Name, true,
                $"the master (site '{masterSite.Name}', {region}) gets an instance profile to create this site's on-demand nodes with");
        }
        return new CheckFinding(site.Name, false,
            $"this site's on-demand nodes need the master in an AWS site of {region}, but it is in site '{masterSite.Name}' ({masterSite.Provider}" +
            (masterSite.Settings is AwsSiteSettings other ? $", {other.Region})" : ")") + ": AWS permissions reach the master only as an instance profile there",
            $"make an AWS site of {region} the first site (the master's), or give this site's workers no `onDemand` count");
    }

    /// <summary>
    /// Whether the zone the site's nodes go to offers the instance type (a type of the region may be missing in some of
    /// its zones, and RunInstances then refuses it); when EC2 chooses the zone, whether every zone offers it.
    /// </summary>
    private static async Task<CheckFinding> CheckOfferingAsync(string site, AwsSiteSettings settings, AwsSiteProvider provider, string type,
        CancellationToken cancellationToken)
    {
        var offering = await provider.ZonesOfferingAsync(type, cancellationToken).ConfigureAwait(false);
        var listed = string.Join(", ", offering);
        if (await provider.SiteZoneAsync(cancellationToken).ConfigureAwait(false) is { } zone)
        {
            return offering.Contains(zone) ? new CheckFinding(site, true, $"instance type {type} is offered in {zone}")
                : new CheckFinding(site, false,
                    $"instance type {type} is not offered in {zone}; " + (offering.IsEmpty ? $"nor in any zone of {settings.Region}" : $"it is in {listed}"),
                    settings.SubnetId is null ? "set `availabilityZone` to a zone that offers it, or choose another instance type"
                        : "choose another instance type, or a subnet in a zone that offers it");
        }
        if (offering.IsEmpty)
        {
            return new CheckFinding(site, false, $"instance type {type} is offered in no zone of {settings.Region}", "choose another instance type");
        }
        var missing = (await provider.ZonesAsync(cancellationToken).ConfigureAwait(false)).Except(offering).ToList();
        return missing.Count == 0 ? new CheckFinding(site, true, $"instance type {type} is offered in every zone of {settings.Region}")
            : new CheckFinding(site, false, $"instance type {type} is offered in {listed}, not in {string.Join(", ", missing)}, and EC2 chooses the zone of the site's subnet",
                $"set `availabilityZone` to one of {listed}");
    }

    private static async Task<IEnumerable<CheckFinding>> CheckLimitsAsync(SiteSpec site, IAmazonEC2 ec2, AwsCall call, CancellationToken cancellationToken)
    {
        var attributes = (await call.Ec2Async("read the account's limits", token =>
                ec2.DescribeAccountAttributesAsync(new DescribeAccountAttributesRequest { AttributeNames = ["max-instances", "vpc-max-elastic-ips"] }, token),
                cancellationToken).ConfigureAwait(false))
            .AccountAttributes ?? [];
        int? Limit(string name) => attributes.FirstOrDefault(a => a.AttributeName == name)?.AttributeValues?.FirstOrDefault()?.AttributeValue is { } text
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        var addressesInUse = (await call.Ec2Async("count the Elastic IPs in use", token => ec2.DescribeAddressesAsync(new DescribeAddressesRequest(), token),
            cancellationToken).ConfigureAwait(false)).Addresses?.Count ?? 0;

        var findings = new List<CheckFinding>();
        var instances = site.NodesAtMost().Count();
        var publicAddresses = site.PublicAddresses;
        void Compare(string what, int needed, int? limit, int inUse)
        {
            if (limit is not { } max)
            {
                findings.Add(new CheckFinding(site.Name, true, $"EC2 reports no limit of {what}: not checked"));
            }
            else if (inUse + needed > max)
            {
                findings.Add(new CheckFinding(site.Name, false, $"the cluster needs {needed} {what}, but the account allows {max} and uses {inUse}",
                    "ask AWS for a higher limit (Service Quotas console), or make the cluster smaller"));
            }
            else
            {
                findings.Add(new CheckFinding(site.Name, true, $"{needed} {what} fit the account's limit of {max} ({inUse} in use)"));
            }
        }
        Compare("instances", instances, Limit("max-instances"), 0);
        Compare("Elastic IPs", publicAddresses, Limit("vpc-max-elastic-ips"), addressesInUse);
        findings.Add(new CheckFinding(site.Name, true,
            "not checked: the vCPU quota per instance family and the VPCs per region (they are in Service Quotas, which GridSpan does not ask yet)"));
        return findings;
    }
}
