using GridSpan.Config;
using GridSpan.Providers.OpenStack.Compute;

namespace GridSpan.Providers.OpenStack.Selection;

/// <summary>
/// Chooses a flavor: by id, by exact name, or by minimums (<see cref="FlavorMinimum"/>, shared by every provider). Among flavors meeting the minimums the smallest wins
/// (fewest CPUs, then least memory, then least disk, then name).
/// </summary>
public static class FlavorSelector
{
    public static NovaFlavor? Select(IReadOnlyCollection<NovaFlavor> flavors, string wanted)
    {
        ArgumentNullException.ThrowIfNull(flavors);
        ArgumentNullException.ThrowIfNull(wanted);
        if (FlavorMinimum.Parse(wanted) is { } minimum)
        {
            return flavors.Where(f => f.Cpus >= minimum.Cpus && f.MemoryMiB >= minimum.MemoryMiB)
                .OrderBy(f => f.Cpus).ThenBy(f => f.MemoryMiB).ThenBy(f => f.DiskGiB).ThenBy(f => f.Name, StringComparer.Ordinal)
                .FirstOrDefault();
        }
        return flavors.FirstOrDefault(f => f.Id == wanted) ?? flavors.FirstOrDefault(f => f.Name == wanted);
    }

    public static string Sample(IReadOnlyCollection<NovaFlavor> flavors) =>
        flavors.Count == 0 ? "the project sees no flavor"
            : "the project sees " + string.Join(", ", flavors.OrderBy(f => f.Cpus).ThenBy(f => f.MemoryMiB).Take(15)
                .Select(f => $"{f.Name} ({f.Cpus} CPU, {f.MemoryMiB} MiB)"));
}
