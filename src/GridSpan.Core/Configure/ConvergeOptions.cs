namespace GridSpan.Configure;

/// <summary>How nodes are converged; the defaults suit containers and cloud VMs alike.</summary>
public sealed record ConvergeOptions
{
    /// <summary>Where a node keeps GridSpan's own bookkeeping (restarts still owed after an interrupted run).</summary>
    public string StateDirectory { get; init; } = "/var/lib/gridspan";

    /// <summary>How long units may take to become active after a start or restart.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When apt cannot find a package, refresh its index once and try again (cloud images often ship without one).</summary>
    public bool RefreshPackageIndex { get; init; } = true;

    /// <summary>Checks beyond "every unit is active", e.g. per role.</summary>
    public IReadOnlyList<INodeHealthCheck> HealthChecks { get; init; } = [];
}
