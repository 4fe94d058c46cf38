using System.Collections.Immutable;
using GridSpan.Configure;
using GridSpan.Provision;

namespace GridSpan.Cluster;

/// <summary>
/// What <see cref="ClusterCreator.CreateAsync"/> tells its caller while it runs, so the CLI can show
/// progress on the one path the tests run too. Every member is optional.
/// </summary>
public sealed class CreateObserver
{
    /// <summary>The cluster's state is loaded (or started) and its sites connected.</summary>
    public Action<ClusterWorkspace>? Prepared { get; init; }

    /// <summary>Each resource created, found active, or deleted (provisioning, and removing nodes no longer planned).</summary>
    public IProgress<ProvisionEvent>? Resources { get; init; }

    /// <summary>Every site's resources exist.</summary>
    public Action<ProvisionResult>? Provisioned { get; init; }

    /// <summary>
    /// Runs the configure phase it is given (with the progress to report its steps to), e.g. inside a
    /// live display, and returns what the phase returned. Without it the phase runs as it is.
    /// </summary>
    public Func<Func<IProgress<ConvergeStep>?, Task<ImmutableArray<ClusterConvergeResult>>>, Task<ImmutableArray<ClusterConvergeResult>>>? Configuring { get; init; }
}
