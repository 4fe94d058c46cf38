namespace GridSpan.Common;

/// <summary>What an external command did. <see cref="CommandLine"/> is for messages only.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws a <see cref="GridSpanException"/> quoting stderr unless the command succeeded.</summary>
    public CommandResult EnsureSuccess(string? fix = null) =>
        Succeeded ? this : throw GridSpanException.CommandFailed(CommandLine, ExitCode, StandardError, fix);
}
