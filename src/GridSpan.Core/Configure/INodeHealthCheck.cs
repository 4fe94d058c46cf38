using GridSpan.Render;

namespace GridSpan.Configure;

/// <summary>
/// A check a converged node must pass beyond its units being active (a role's own probe, e.g. that
/// munge can encode and decode). Throws a <see cref="Common.GridSpanException"/> saying what is wrong.
/// </summary>
public interface INodeHealthCheck
{
    /// <summary>Shown in progress, e.g. "munge round trip".</summary>
    string Name { get; }

    bool AppliesTo(NodeBundle bundle);

    Task CheckAsync(NodeBundle bundle, INodeSession session, CancellationToken cancellationToken);
}
