namespace GridSpan.Configure;

/// <summary>The steps of converging one node, in the order they run.</summary>
public enum ConvergeStepKind
{
    Connect,
    Inspect,
    Packages,
    /// <summary>The bundle's accounts, before files that belong to them.</summary>
    Accounts,
    Files,
    Commands,
    Services,
    Health,
    /// <summary>The node is finished: Changed or Unchanged with a summary, or Failed.</summary>
    Done,
}

public enum ConvergeStepStatus
{
    Running,
    /// <summary>The step changed something on the node.</summary>
    Changed,
    /// <summary>The step found the node already right (or had nothing to do).</summary>
    Unchanged,
    Failed,
}

/// <summary>
/// One progress event of one node: what step it is in and how it went. <see cref="Detail"/> names
/// paths, packages and units, never file contents.
/// </summary>
public sealed record ConvergeStep(string NodeName, ConvergeStepKind Step, ConvergeStepStatus Status, string Detail);
