using System.Collections.Immutable;
using GridSpan.Config;

namespace GridSpan.Providers.Local;

/// <summary>The local cloud's named server sizes. Memory is enforced by cgroups where the host allows.</summary>
public static class LocalFlavors
{
    public static ImmutableSortedDictionary<string, FlavorSize> All { get; } =
        new Dictionary<string, FlavorSize>
        {
            ["tiny"] = new(1, 512),
            ["small"] = new(1, 1024),
            ["medium"] = new(2, 2048),
            ["large"] = new(2, 4096),
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);
}
