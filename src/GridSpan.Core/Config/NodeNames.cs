using System.Globalization;

namespace GridSpan.Config;

/// <summary>How nodes are named: &lt;cluster&gt;-master, &lt;cluster&gt;-&lt;site&gt;-gw, &lt;cluster&gt;-&lt;site&gt;-sw, &lt;cluster&gt;-&lt;site&gt;-&lt;group&gt;-001.</summary>
public static class NodeNames
{
    public static string Master(string cluster) => $"{cluster}-master";

    public static string Gateway(string cluster, string site) => $"{cluster}-{site}-gw";

    /// <summary>The software switch of the vxlan overlay, in a site of its own.</summary>
    public static string Switch(string cluster, string site) => $"{cluster}-{site}-sw";

    /// <summary>The prefix of a worker group's names; numbers follow with <see cref="NumberWidth"/> digits.</summary>
    public static string WorkerPrefix(string cluster, string site, string group) => $"{cluster}-{site}-{group}-";

    /// <summary>Digits in a group's node numbers: at least 3, more when the group is larger than 999.</summary>
    public static int NumberWidth(int groupSize) => Math.Max(3, groupSize.ToString(CultureInfo.InvariantCulture).Length);

    public static string Worker(string cluster, string site, string group, int number, int width) =>
        WorkerPrefix(cluster, site, group) + number.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');

    /// <summary>
    /// The site a resource name of this cluster names (`CLUSTER-SITE-…`: nodes, security groups), where only
    /// the name is left (a node no longer planned, a resource several sites of one cloud list); null for
    /// the master or a name of no known site.
    /// </summary>
    public static string? SiteOf(string cluster, string node, IEnumerable<string> sites) =>
        sites.Where(site => node.StartsWith($"{cluster}-{site}-", StringComparison.Ordinal)).MaxBy(site => site.Length);
}
