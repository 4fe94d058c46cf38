using GridSpan.Common.Quoting;

namespace GridSpan.Common;

/// <summary>
/// One external command to run without a shell: the program, its arguments, and optionally
/// text for its standard input. Secrets belong in <see cref="StandardInput"/>, never in arguments,
/// because arguments appear in messages and in `ps`.
/// </summary>
public sealed record CommandRequest(string Program, IReadOnlyList<string> Arguments)
{
    public string? StandardInput { get; init; }
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// True to give the program this process's own terminal (stdin, stdout, stderr) instead of capturing them:
    /// for an interactive shell (`gridspan ssh`). The result then carries no output.
    /// </summary>
    public bool InheritStandardStreams { get; init; }

    public static CommandRequest Of(string program, params string[] arguments) => new(program, arguments);

    public override string ToString() =>
        string.Join(' ', new[] { Program }.Concat(Arguments.Select(ShellQuote.Quote)));
}
