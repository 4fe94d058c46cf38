using System.Collections.Immutable;

namespace GridSpan.Configure;

/// <summary>What the services step will do, decided from the node's state and what the files step changed.</summary>
public sealed record ServicePlan(
    ImmutableArray<string> Unmask,
    ImmutableArray<string> Enable,
    ImmutableArray<string> Restart,
    ImmutableArray<string> Start,
    ImmutableArray<string> ForgetPendingRestarts)
{
    public bool IsEmpty => Unmask.IsEmpty && Enable.IsEmpty && Restart.IsEmpty && Start.IsEmpty && ForgetPendingRestarts.IsEmpty;
}
