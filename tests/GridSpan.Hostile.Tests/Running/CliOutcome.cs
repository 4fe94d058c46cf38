using System.Text.RegularExpressions;

namespace GridSpan.Hostile.Tests.Running;

/// <summary>What one run of the CLI did.</summary>
/// <param name="Cpu">User and system CPU time; known for child processes only.</param>
/// <param name="PeakMemoryKiB">The largest resident set; known for child processes only.</param>
/// <param name="TimedOut">The run was killed because it did not end in time.</param>
internal sealed partial record CliOutcome(int ExitCode, string Out, string Error, TimeSpan Wall, TimeSpan? Cpu, long? PeakMemoryKiB, bool TimedOut)
{
    /// <summary>A .NET stack frame ("   at Namespace.Type.Method(...)"), an unhandled-exception banner or a System exception's name.</summary>
    public bool HasStackTrace => StackTrace().IsMatch(Out) || StackTrace().IsMatch(Error);

    [GeneratedRegex(@"(^|\n)\s+at [\w.`<>\[\],|]+\(.*\)|Unhandled exception|System\.[\w.]*Exception\b|Stack overflow", RegexOptions.CultureInvariant)]
    private static partial Regex StackTrace();

    public string Describe() =>
        $"exit {ExitCode}{(TimedOut ? " (killed: timed out)" : "")}, {Wall.TotalSeconds:0.00} s wall" +
        (Cpu is { } cpu ? $", {cpu.TotalSeconds:0.00} s CPU" : "") +
        (PeakMemoryKiB is { } kib ? $", {kib / 1024} MiB peak" : "") +
        $"\n--- stdout (first 2,000 characters) ---\n{Head(Out)}\n--- stderr (first 2,000 characters) ---\n{Head(Error)}";

    private static string Head(string text) => text.Length <= 2_000 ? text : text[..2_000] + "...";
}
