namespace GridSpan.Configure;

/// <summary>Why one node could not be converged; the message already names the node and the step.</summary>
public sealed record NodeFailure(string NodeName, string Message, string? Fix);
