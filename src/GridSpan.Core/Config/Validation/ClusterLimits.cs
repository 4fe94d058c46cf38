using System.Globalization;

namespace GridSpan.Config.Validation;

/// <summary>
/// The largest cluster GridSpan accepts. Below these limits planning and rendering stay small and
/// fast (docs/config.md gives the measured figures); above them a file is refused where it crosses
/// the limit, before anything is planned, so a short file cannot ask for millions of nodes.
/// </summary>
internal static class ClusterLimits
{
    /// <summary>Every node: the master, the gateways and all workers, always-on and on demand.</summary>
    public const int MaxNodes = 20_000;

    public const int MaxSites = 100;

    public const int MaxGroupsPerSite = 100;

    public const int MaxFeaturesPerGroup = 32;

    /// <summary>Slurm keeps features in its node table and prints them in every `sinfo`; a name, not a document.</summary>
    public const int MaxFeatureLength = 64;

    public const int MaxShares = 32;

    public const int MaxPublicKeys = 100;

    public static void Check(ConfigSection root, ICollection<ConfigError> errors)
    {
        CheckCount(root, "sites", MaxSites, "sites", "split the cluster into several clusters", errors);
        CheckCount(root.SectionOrEmpty("ssh"), "publicKeys", MaxPublicKeys, "public keys", "authorise fewer keys; each node holds every one", errors);
        CheckCount(root.SectionOrEmpty("storage"), "shares", MaxShares, "shares", "share a parent directory instead of many of its children", errors);
        var nodes = 0L;
        var reported = false;
        foreach (var site in root.Sections("sites"))
        {
            nodes++; // its master or gateway
            CheckCount(site, "workers", MaxGroupsPerSite, "worker groups in one site", "merge groups of the same flavor, or spread them over more sites", errors);
            foreach (var group in site.Sections("workers"))
            {
                CheckCount(group, "features", MaxFeaturesPerGroup, "features in one group", "keep the features jobs ask for with --constraint", errors);
                foreach (var feature in group.StringItems("features").Where(f => f.Value.Length > MaxFeatureLength))
                {
                    errors.Add(new ConfigError(feature.Location, feature.Path,
                        $"a feature of {Count(feature.Value.Length)} characters, above GridSpan's limit of {MaxFeatureLength}", "use a short name such as highmem"));
                }
                nodes += group.IntegerOrDefault("count") + group.IntegerOrDefault("onDemand");
                if (nodes > MaxNodes && !reported)
                {
                    reported = true;
                    errors.Add(new ConfigError(group.Location, group.KeyPath,
                        $"with this group the cluster has {Count(nodes)} nodes or more, above GridSpan's limit of {Count(MaxNodes)} nodes in one cluster (masters, gateways and workers, always-on and on demand)",
                        $"lower 'count' and 'onDemand' so that the whole cluster has at most {Count(MaxNodes)} nodes, or split it into several clusters"));
                }
            }
        }
    }

    private static void CheckCount(ConfigSection section, string key, int limit, string what, string fix, ICollection<ConfigError> errors)
    {
        if (section.Value(key) is CheckedList list && list.Items.Length > limit)
        {
            var first = list.Items[limit];
            errors.Add(new ConfigError(first.Location, first.Path,
                $"{Count(list.Items.Length)} {what}, above GridSpan's limit of {Count(limit)}", fix));
        }
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
