using System.Collections.Concurrent;
using System.Collections.Immutable;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.Aws.Selection;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>Every instance type of the region, read once when minimums are first resolved.</summary>
    private readonly SemaphoreSlim _typesLock = new(1, 1);
    private ImmutableArray<InstanceTypeInfo>? _instanceTypes;

    /// <summary>The architectures of the AMIs resolved so far.</summary>
    private readonly ConcurrentDictionary<string, string?> _architectures = new(StringComparer.Ordinal);

    /// <summary>
    /// The instance type a flavor names in this region, or the smallest that meets its minimums and runs
    /// <paramref name="image"/>'s architecture (any architecture when null). Null when the region offers none.
    /// </summary>
    public async Task<InstanceTypeInfo?> FindInstanceTypeAsync(string flavor, string? image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flavor);
        if (FlavorMinimum.Parse(flavor) is not { } minimum)
        {
            return (await _call.Ec2Async($"look up the instance type {flavor}", async token =>
            {
                try
                {
                    return await _ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = [flavor] }, token).ConfigureAwait(false);
                }
                catch (AmazonServiceException failure) when (failure.ErrorCode == "InvalidInstanceType")
                {
                    return new DescribeInstanceTypesResponse();
                }
            }, cancellationToken).ConfigureAwait(false)).InstanceTypes?.FirstOrDefault();
        }
        var architecture = image is null ? null : await ArchitectureAsync(image, cancellationToken).ConfigureAwait(false);
        return InstanceTypeSelector.Smallest(await InstanceTypesAsync(cancellationToken).ConfigureAwait(false), minimum, architecture);
    }

    /// <summary>As <see cref="FindInstanceTypeAsync"/>, but a flavor the region does not offer is an error that says so.</summary>
    public async Task<InstanceTypeInfo> ResolveInstanceTypeAsync(string flavor, string? image, CancellationToken cancellationToken) =>
        await FindInstanceTypeAsync(flavor, image, cancellationToken).ConfigureAwait(false) ?? throw (FlavorMinimum.Is(flavor)
            ? GridSpanException.Provider(Site, $"no current-generation instance type in {_settings.Region} meets '{flavor}'" +
                (image is null ? "" : $" and runs the architecture of image '{image}'"),
                "lower the minimums, or name an instance type (`aws ec2 describe-instance-types`)")
            : GridSpanException.Provider(Site, $"the instance type {flavor} is not offered in {_settings.Region}",
                "set the flavor to an instance type of the region (`aws ec2 describe-instance-types`)"));

    private async Task<ImmutableArray<InstanceTypeInfo>> InstanceTypesAsync(CancellationToken cancellationToken)
    {
        await _typesLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_instanceTypes is { } known)
            {
                return known;
            }
            var types = ImmutableArray.CreateBuilder<InstanceTypeInfo>();
            string? next = null;
            do
            {
                var page = await _call.Ec2Async($"list the instance types of {_settings.Region}", token =>
                    _ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { MaxResults = 100, NextToken = next }, token),
                    cancellationToken).ConfigureAwait(false);
                types.AddRange(page.InstanceTypes ?? []);
                next = page.NextToken;
            }
            while (!string.IsNullOrEmpty(next));
            return (_instanceTypes = types.ToImmutable()).Value;
        }
        finally
        {
            _typesLock.Release();
        }
    }

    /// <summary>The zones of the site's region that offer the instance type (DescribeInstanceTypeOfferings), sorted.</summary>
    public async Task<ImmutableArray<string>> ZonesOfferingAsync(string instanceType, CancellationToken cancellationToken)
    {
        var zones = ImmutableArray.CreateBuilder<string>();
        string? next = null;
        do
        {
            var page = await _call.Ec2Async($"look up the zones of {_settings.Region} that offer {instanceType}", token =>
                _ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest
                {
                    LocationType = LocationType.AvailabilityZone,
                    Filters = [new Filter("instance-type", [instanceType])],
                    NextToken = next,
                }, token), cancellationToken).ConfigureAwait(false);
            zones.AddRange((page.InstanceTypeOfferings ?? []).Select(o => o.Location));
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));
        return [.. zones.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The region's available zones, sorted.</summary>
    public async Task<ImmutableArray<string>> ZonesAsync(CancellationToken cancellationToken) =>
        [.. ((await _call.Ec2Async($"list the availability zones of {_settings.Region}", token =>
                _ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest
                {
                    Filters = [new Filter("zone-type", ["availability-zone"]), new Filter("state", ["available"])],
                }, token), cancellationToken).ConfigureAwait(false)).AvailabilityZones ?? [])
            .Select(z => z.ZoneName).Order(StringComparer.Ordinal)];

    /// <summary>The zone the site's nodes go to when the site decides it (`availabilityZone`, or the existing subnet's); null when EC2 chooses.</summary>
    public async Task<string?> SiteZoneAsync(CancellationToken cancellationToken)
    {
        if (_settings.SubnetId is not { } subnet)
        {
            return _settings.AvailabilityZone;
        }
        return (await _call.Ec2Async($"look up the subnet {subnet}", token =>
                _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [subnet] }, token), cancellationToken).ConfigureAwait(false))
            .Subnets?.FirstOrDefault()?.AvailabilityZone;
    }

    /// <summary>The architecture (x86_64, arm64) of the AMI an image setting names, or null when EC2 does not say.</summary>
    private async Task<string?> ArchitectureAsync(string image, CancellationToken cancellationToken)
    {
        var id = await ResolveImageAsync(image, cancellationToken).ConfigureAwait(false);
        if (!_architectures.TryGetValue(id, out var architecture))
        {
            architecture = (await _call.Ec2Async($"look up the AMI {id}", token =>
                    _ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [id] }, token), cancellationToken).ConfigureAwait(false))
                .Images?.FirstOrDefault()?.Architecture?.Value;
            _architectures[id] = architecture;
        }
        return architecture;
    }
}
