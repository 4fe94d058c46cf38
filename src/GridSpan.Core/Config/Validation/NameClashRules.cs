namespace GridSpan.Config.Validation;

/// <summary>
/// Slurm partitions are named 'all', after each site, and '&lt;site&gt;-&lt;group&gt;' for each worker group;
/// no two may share a name. (Two sites of one name, and groups whose '&lt;site&gt;-&lt;group&gt;' collide, are
/// already reported by <see cref="SpecBuilder"/> as duplicate names.)
/// </summary>
internal static class NameClashRules
{
    public const string AllPartition = "all";

    private sealed record Partition(string Name, SourceLocation Location, string Path, string What, bool IsGroup);

    public static void Check(IReadOnlyList<ConfigSection> sites, ICollection<ConfigError> errors)
    {
        var partitions = new List<Partition>();
        foreach (var site in sites)
        {
            if (site.GetString("name") is not { } siteName)
            {
                continue;
            }
            if (siteName == AllPartition)
            {
                errors.Add(new ConfigError(site.LocationOf("name"), site.PathOf("name"),
                    $"a site may not be named '{AllPartition}': that is the Slurm partition of every node",
                    "give the site another name"));
                continue;
            }
            partitions.Add(new Partition(siteName, site.LocationOf("name"), site.PathOf("name"), $"the partition of site '{siteName}'", false));
            foreach (var group in site.Sections("workers"))
            {
                if (group.GetString("name") is { } groupName)
                {
                    partitions.Add(new Partition($"{siteName}-{groupName}", group.LocationOf("name"), group.PathOf("name"),
                        $"the partition of group '{groupName}' of site '{siteName}'", true));
                }
            }
        }
        // Report at whichever of the two comes later in the file.
        var ordered = partitions.OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column).ToList();
        var seen = new Dictionary<string, Partition>(StringComparer.Ordinal);
        foreach (var partition in ordered)
        {
            if (!seen.TryGetValue(partition.Name, out var earlier))
            {
                seen.Add(partition.Name, partition);
            }
            else if (earlier.IsGroup != partition.IsGroup)
            {
                errors.Add(new ConfigError(partition.Location, partition.Path,
                    $"{partition.What} would be named '{partition.Name}', like {earlier.What} ({earlier.Path})",
                    "rename a site or a worker group: partitions are named after sites and '<site>-<group>'"));
            }
        }
    }
}
