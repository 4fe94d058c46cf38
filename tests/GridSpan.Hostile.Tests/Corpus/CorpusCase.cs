namespace GridSpan.Hostile.Tests.Corpus;

/// <summary>One file of the hostile corpus and what GridSpan must do with it.</summary>
/// <param name="Name">A stable name: generated/&lt;mutation&gt; or hand/&lt;file&gt;; pending.txt refers to it.</param>
/// <param name="Yaml">The file's text.</param>
/// <param name="ExpectedExit">The exit code of `validate` (0 valid, 3 invalid config); when 0, plan and render must succeed too.</param>
/// <param name="Why">What the case tries, for failure messages.</param>
/// <param name="Directory">Where the file lives when it refers to files beside it (hand-written cases); null for generated ones.</param>
/// <param name="ChildProcessOnly">Never run in the test's own process: the input is meant to exhaust a process (stack, memory, a blocking read).</param>
/// <param name="RenderNodes">A hostlist to render instead of every node (for the largest clusters).</param>
internal sealed record CorpusCase(
    string Name,
    string Yaml,
    int ExpectedExit,
    string Why,
    string? Directory = null,
    bool ChildProcessOnly = false,
    string? RenderNodes = null)
{
    public override string ToString() => Name;
}
