using System.Text.Json;

namespace GridSpan.Cli.Tests;

public sealed class SchemaCommandTests
{
    [Fact]
    public async Task Schema_prints_json_that_matches_the_committed_editor_schema()
    {
        var run = await CliRun.InvokeAsync("schema");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        using var document = JsonDocument.Parse(run.Out);
        Assert.Equal("http://json-schema.org/draft-07/schema#", document.RootElement.GetProperty("$schema").GetString());
        // Examples point editors at docs/cluster.schema.json; it must be what this build prints.
        Snapshot.Matches("docs/cluster.schema.json", run.Out);
    }

    [Fact]
    public async Task Every_registered_provider_has_a_site_section()
    {
        var run = await CliRun.InvokeAsync("schema");

        using var document = JsonDocument.Parse(run.Out);
        var site = document.RootElement.GetProperty("properties").GetProperty("sites").GetProperty("items").GetProperty("properties");
        Assert.All(ProviderCatalog.All(CliRun.ProcessEnvironment), provider => Assert.True(site.TryGetProperty(provider.Name, out _), provider.Name));
    }

    [Fact]
    public async Task Help_says_how_editors_use_the_schema()
    {
        var run = await CliRun.InvokeAsync("schema", "--help");

        Assert.Contains("yaml-language-server", run.Out, StringComparison.Ordinal);
    }
}
