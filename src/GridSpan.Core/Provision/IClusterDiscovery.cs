using System.Collections.Immutable;
using GridSpan.Common;

namespace GridSpan.Provision;

/// <summary>
/// Implemented by a provider whose cloud can be asked for every GridSpan resource it holds without
/// naming a site (the local cloud: one per machine). `gridspan list` uses it to find clusters whose
/// local state is gone; providers without it are asked per site of the clusters GridSpan knows.
/// </summary>
public interface IClusterDiscovery
{
    /// <summary>Every resource tagged with any cluster id.</summary>
    Task<ImmutableArray<CloudResource>> ListAllAsync(ICommandRunner runner, CancellationToken cancellationToken);

    /// <summary>A provider not tied to a site, that can list and delete tagged resources (terminating a cluster whose local state is gone).</summary>
    ISiteProvider ConnectForCleanup(ICommandRunner runner);
}
