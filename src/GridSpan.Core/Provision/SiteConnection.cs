using GridSpan.Common;
using GridSpan.Config;

namespace GridSpan.Provision;

/// <summary>What a provider needs to act for one site of one cluster.</summary>
/// <param name="ClusterId">The id every resource of the cluster is tagged with.</param>
/// <param name="StateDirectory">A directory the provider may keep files in (0700), per cluster.</param>
public sealed record SiteConnection(SiteSpec Site, string ClusterId, string StateDirectory, ICommandRunner Runner);
