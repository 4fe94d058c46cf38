using System.Collections.Immutable;
using System.Globalization;

namespace GridSpan.Hostile.Tests.Corpus;

/// <summary>
/// The hand-written cases in hand/*.yaml. Each file starts with comment lines that say what must
/// happen: `# expect: 3` (the exit code of validate), `# why: ...`, and optionally
/// `# render: HOSTLIST` (render only these nodes). They always run in a child process.
/// </summary>
internal static class HandCases
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "hand");

    public static ImmutableArray<CorpusCase> Load() =>
    [
        .. System.IO.Directory.EnumerateFiles(Directory, "*.yaml").Order(StringComparer.Ordinal).Select(Read),
    ];

    private static CorpusCase Read(string path)
    {
        var text = File.ReadAllText(path);
        string? Header(string key) => text.Split('\n').TakeWhile(l => l.StartsWith('#'))
            .Select(l => l.TrimStart('#').Trim())
            .FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal))?[(key.Length + 1)..].Trim();
        var name = "hand/" + Path.GetFileName(path);
        var expected = Header("expect") ?? throw new InvalidOperationException($"{name} has no '# expect: N' line");
        return new CorpusCase(name, text, int.Parse(expected, CultureInfo.InvariantCulture), Header("why") ?? "", Directory,
            ChildProcessOnly: true, RenderNodes: Header("render"));
    }
}
