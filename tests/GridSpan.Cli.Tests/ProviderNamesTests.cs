using System.Text.RegularExpressions;

namespace GridSpan.Cli.Tests;

/// <summary>
/// The core and the CLI never name a provider: what differs between providers is asked of the provider
/// (its settings, its runtime, its pre-flight check). Only the catalog names them, and the local cloud's
/// own management verb (`gridspan localcloud`), which exists to run that cloud.
/// </summary>
public sealed class ProviderNamesTests
{
    private static readonly string[] Allowed =
    [
        "src/GridSpan.Cli/ProviderCatalog.cs",
        "src/GridSpan.Cli/Commands/LocalCloudCommand.cs",
    ];

    [Fact]
    public void No_provider_is_named_in_the_core_or_the_cli_outside_the_catalog()
    {
        var providers = ProviderCatalog.All(CliRun.ProcessEnvironment);
        var names = providers.Select(p => Regex.Escape(p.Name));
        // A provider's own namespace (GridSpan.Providers.Local) is how code would reach around the contract.
        var namespaces = providers.Select(p => Regex.Escape(p.GetType().Namespace!["GridSpan.".Length..]));
        var pattern = new Regex($@"""({string.Join('|', names)})""|\b({string.Join('|', namespaces)})\b");

        var violations = new List<string>();
        foreach (var project in new[] { "src/GridSpan.Core", "src/GridSpan.Cli" })
        {
            foreach (var file in Directory.EnumerateFiles(SourceTree.Path(project), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(SourceTree.Root, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin") || Allowed.Contains(relative))
                {
                    continue;
                }
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (!lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && pattern.Match(lines[i]) is { Success: true } match)
                    {
                        violations.Add($"{relative}:{i + 1}: {match.Value}");
                    }
                }
            }
        }
        Assert.True(violations.Count == 0, "providers named outside the catalog:\n" + string.Join('\n', violations));
    }
}
