using System.Text.RegularExpressions;

namespace GridSpan.Core.Tests.Architecture;

/// <summary>
/// Core's namespaces follow the flow of a create: each may use the ones before it and never one
/// after it, so a stage can be read, tested and changed knowing only what comes before it.
/// </summary>
public sealed partial class StageOrderTests
{
    /// <summary>In the order of the flow; Common is shared by all, Secrets sits between planning and rendering.</summary>
    private static readonly string[] Stages = ["Common", "Config", "Plan", "Secrets", "Render", "Provision", "Configure", "Cluster", "Elastic", "Doctor"];

    [Fact]
    public void No_namespace_of_core_uses_one_that_comes_later_in_the_flow()
    {
        var core = Path.Combine(RepositoryRoot(), "src", "GridSpan.Core");
        var files = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 100, $"found only {files.Count} source files under {core}");

        var violations = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var declared = Namespace().Match(text);
            Assert.True(declared.Success, $"{file} declares no namespace");
            var stage = Array.IndexOf(Stages, declared.Groups["stage"].Value);
            Assert.True(stage >= 0, $"{file} is in namespace GridSpan.{declared.Groups["stage"].Value}, which is not a stage of the flow: add it to {nameof(Stages)}");
            var code = string.Join('\n', text.Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            foreach (var later in Stages.Skip(stage + 1))
            {
                if (Regex.IsMatch(code, $@"^using GridSpan\.{later}(\.\w+)*;|(?<![\w.])(GridSpan\.)?{later}\.[A-Z]\w*", RegexOptions.Multiline))
                {
                    violations.Add($"{Path.GetRelativePath(core, file)} ({Stages[stage]}) uses {later}");
                }
            }
        }
        Assert.True(violations.Count == 0, "namespaces used against the flow:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void The_check_finds_a_use_against_the_flow()
    {
        var code = "namespace GridSpan.Plan;\nclass A { object B => Render.NodePaths.GridSpanBinary; }";
        Assert.Matches(@"(?<![\w.])(GridSpan\.)?Render\.[A-Z]\w*", code);
        Assert.DoesNotMatch(@"(?<![\w.])(GridSpan\.)?Render\.[A-Z]\w*", "class A { object B => options.Render.X; }");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GridSpan.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no GridSpan.slnx above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^namespace GridSpan\.(?<stage>\w+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
