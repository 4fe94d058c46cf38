using Amazon.EC2.Model;

namespace GridSpan.Providers.Aws.Selection;

/// <summary>
/// Chooses the instance type for minimums such as `cpus>=2 ram>=4GiB` (<see cref="Config.FlavorMinimum"/>, as on
/// OpenStack): among the current-generation, virtualised, on-demand types that run the image's architecture and
/// meet the minimums, the smallest wins (fewest vCPUs, then least memory, then name).
/// </summary>
public static class InstanceTypeSelector
{
    public static InstanceTypeInfo? Smallest(IEnumerable<InstanceTypeInfo> types, (int Cpus, long MemoryMiB) minimum, string? architecture)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types
            .Where(t => t.CurrentGeneration == true && t.BareMetal != true
                && (t.SupportedUsageClasses is not { Count: > 0 } classes || classes.Contains("on-demand"))
                && (architecture is null || t.ProcessorInfo?.SupportedArchitectures?.Contains(architecture) == true)
                && Cpus(t) >= minimum.Cpus && MemoryMiB(t) >= minimum.MemoryMiB)
            .OrderBy(Cpus).ThenBy(MemoryMiB).ThenBy(t => t.InstanceType?.Value, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    public static int Cpus(InstanceTypeInfo type) => type?.VCpuInfo?.DefaultVCpus ?? 0;

    public static long MemoryMiB(InstanceTypeInfo type) => type?.MemoryInfo?.SizeInMiB ?? 0;
}
