namespace GridSpan.Configure;

/// <summary>
/// Why one node could not be converged; the message already names the node and the step.
/// <paramref name="IsTransient"/> carries <see cref="Common.GridSpanException.IsTransient"/> of the error.
/// </summary>
public sealed record NodeFailure(string NodeName, string Message, string? Fix, bool IsTransient = false);
