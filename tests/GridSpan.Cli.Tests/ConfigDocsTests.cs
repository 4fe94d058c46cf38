using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Provision;

namespace GridSpan.Cli.Tests;

/// <summary>docs/config.md is folded into the README; these keep it in step with the format.</summary>
public sealed class ConfigDocsTests
{
    private static readonly string Docs = File.ReadAllText(SourceTree.Path("docs/config.md"));

    [Fact]
    public void Every_key_of_the_format_is_explained()
    {
        var keys = Keys(ClusterFormat.Root(new ProviderRegistry([]))).Distinct().ToList();

        Assert.True(keys.Count > 20);
        Assert.All(keys, key => Assert.Contains($"| `{key}` |", Docs, StringComparison.Ordinal));
    }

    [Fact]
    public void The_documented_error_output_is_what_validate_prints()
    {
        var snapshot = File.ReadAllText(SourceTree.Path("tests/GridSpan.Cli.Tests/Snapshots/validate-five-mistakes.txt"));

        Assert.Contains(snapshot, Docs, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Keys(Shape shape) => shape switch
    {
        ObjectShape o => o.Fields.SelectMany(f => Keys(f.Shape).Prepend(f.Name)),
        ListShape l => Keys(l.Items),
        _ => [],
    };
}
