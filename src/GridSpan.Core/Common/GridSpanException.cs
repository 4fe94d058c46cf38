namespace GridSpan.Common;

/// <summary>
/// The one exception type GridSpan throws for failures a user can act on. The message says
/// what failed and why; <see cref="Fix"/> says what to do. The CLI prints both, never a stack trace.
/// </summary>
public sealed class GridSpanException : Exception
{
    private GridSpanException(ExitCode exitCode, string message, string? fix, Exception? inner)
        : base(message, inner)
    {
        ExitCode = exitCode;
        Fix = fix;
    }

    public ExitCode ExitCode { get; }

    /// <summary>What the user can do about it, or null when there is nothing obvious.</summary>
    public string? Fix { get; }

    /// <summary>
    /// True when trying the same thing again may succeed (a node still booting, an API that did not
    /// answer). Only the code that talks to the SSH or API client knows this; <see cref="Wait.RetryTransientAsync{T}"/>
    /// retries nothing else.
    /// </summary>
    public bool IsTransient { get; private init; }

    /// <summary>The same failure, marked as one that may pass when tried again.</summary>
    public GridSpanException AsTransient() =>
        IsTransient ? this : new GridSpanException(ExitCode, Message, Fix, InnerException) { IsTransient = true };

    public static GridSpanException InvalidConfig(string message, string? fix = null) =>
        new(ExitCode.InvalidConfig, message, fix, null);

    public static GridSpanException CommandFailed(string command, int exitCode, string stderr, string? fix = null) =>
        new(ExitCode.Failure,
            $"command '{command}' failed with exit code {exitCode}" +
            (string.IsNullOrWhiteSpace(stderr) ? "" : $": {stderr.Trim()}"),
            fix, null);

    public static GridSpanException CommandNotFound(string program, string? fix = null) =>
        new(ExitCode.HostUnsupported, $"the program '{program}' is not installed on this machine", fix, null);

    public static GridSpanException HostUnsupported(string message, string? fix = null) =>
        new(ExitCode.HostUnsupported, message, fix, null);

    public static GridSpanException Provider(string site, string message, string? fix = null, Exception? inner = null) =>
        new(ExitCode.ProviderFailure, $"site '{site}': {message}", fix, inner);

    public static GridSpanException NotFound(string message, string? fix = null) =>
        new(ExitCode.NotFound, message, fix, null);

    public static GridSpanException Failed(string message, string? fix = null, Exception? inner = null) =>
        new(ExitCode.Failure, message, fix, inner);
}
