namespace GridSpan.Providers.Azure.Api;

/// <summary>
/// The resource group that holds one site of one cluster, `gridspan-&lt;cluster id&gt;-&lt;site&gt;`, and the ids of what
/// GridSpan makes in it. One group per site and cluster, so terminate can remove the group itself once it is empty.
/// </summary>
internal sealed record SiteGroup(string Subscription, string Name)
{
    public static SiteGroup For(string subscription, string clusterId, string site) => new(subscription, $"gridspan-{clusterId}-{site}");

    public string Id => $"/subscriptions/{Subscription}/resourceGroups/{Name}";

    public string Of(string type, string name) => $"{Id}/providers/{type}/{name}";

    /// <summary>The last segment of a resource id: the resource's name.</summary>
    public static string NameOf(string id) => id[(id.LastIndexOf('/') + 1)..];

    /// <summary>The resource group a resource id lies in.</summary>
    public static string GroupIdOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var marker = id.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
        return marker < 0 ? id : id[..marker];
    }
}
