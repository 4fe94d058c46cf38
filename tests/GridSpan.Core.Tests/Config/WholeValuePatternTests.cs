using System.Reflection;
using System.Text.RegularExpressions;
using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Config.Validation;
using GridSpan.Config.Yaml;

namespace GridSpan.Core.Tests.Config;

/// <summary>
/// .NET's `$` matches before a final "\n": every pattern of the model must match the whole value, or
/// "demo\n" would split a line of slurm.conf, /etc/hosts or a script.
/// </summary>
public sealed class WholeValuePatternTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A valid value for each pattern of the model; a new pattern must be added here.</summary>
    private static readonly Dictionary<string, string> ValidValues = new(StringComparer.Ordinal)
    {
        ["[a-z_][a-z0-9_-]{0,31}"] = "alice",
        ["[A-Za-z0-9_.-]+"] = "highmem",
    };

    [Fact]
    public void Every_pattern_of_the_model_refuses_a_valid_value_followed_by_a_newline()
    {
        var patterns = StringShapes(ClusterFormat.Root(FakeProviders.Registry)).Where(s => s.Pattern is not null).ToList();
        Assert.NotEmpty(patterns);

        foreach (var shape in patterns)
        {
            Assert.True(ValidValues.TryGetValue(shape.Pattern!, out var valid), $"add a valid value for the pattern {shape.Pattern} to {nameof(ValidValues)}");
            Assert.NotNull(Check(shape, valid));
            foreach (var hostile in new[] { valid + "\n", valid + "\r\n", valid + "\nAllowUsers root", "\n" + valid })
            {
                Assert.Null(Check(shape, hostile));
            }
        }
    }

    [Fact]
    public void The_host_name_format_refuses_a_valid_label_followed_by_a_newline()
    {
        var hostNameShapes = StringShapes(ClusterFormat.Root(FakeProviders.Registry)).Count(s => s.Format == ClusterFormat.HostLabelFormat);
        Assert.True(hostNameShapes >= 3);

        Assert.True(HostLabel.IsValid("demo"));
        Assert.False(HostLabel.IsValid("demo\n"));
        Assert.False(HostLabel.IsValid("demo\nevil"));
    }

    [Theory]
    [InlineData("name: \"demo\\n\"", "name")]
    [InlineData("name: |\n  demo\n", "name")]
    [InlineData("name: \"demo\"\nssh: { user: \"alice\\n\" }", "ssh.user")]
    public void Names_ending_in_a_newline_are_refused_at_the_key(string replacement, string keyPath)
    {
        var text = ConfigTestFiles.Minimal.Replace("name: demo", replacement, StringComparison.Ordinal);

        var errors = _files.LoadErrors(text);

        Assert.Contains(errors, e => e.KeyPath == keyPath);
    }

    [Theory]
    [InlineData("- name: berlin", "- name: \"berlin\\n\"", "sites[0].name")]
    [InlineData("{ name: cpu, flavor: small, count: 1 }", "{ name: \"cpu\\n\", flavor: small, count: 1 }", "sites[0].workers[0].name")]
    [InlineData("{ name: cpu, flavor: small, count: 1 }", "{ name: cpu, flavor: small, count: 1, features: [\"gpu\\n\"] }", "sites[0].workers[0].features[0]")]
    public void Site_group_and_feature_names_ending_in_a_newline_are_refused(string from, string to, string keyPath)
    {
        var errors = _files.LoadErrors(ConfigTestFiles.Minimal.Replace(from, to, StringComparison.Ordinal));

        Assert.Contains(errors, e => e.KeyPath == keyPath);
    }

    [Fact]
    public void No_generated_regex_of_the_core_anchors_its_end_with_a_dollar()
    {
        var patterns = typeof(ClusterFormat).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<GeneratedRegexAttribute>())
            .OfType<GeneratedRegexAttribute>()
            .Select(a => a.Pattern)
            .ToList();
        Assert.NotEmpty(patterns);

        Assert.DoesNotContain(patterns, p => p.EndsWith('$') && !p.EndsWith(@"\$", StringComparison.Ordinal));
    }

    private static CheckedValue? Check(StringShape shape, string value)
    {
        var errors = new List<ConfigError>();
        return new ShapeChecker(errors).Check(new YamlScalar(new SourceLocation("t", 1, 1), value, Quoted: true), shape, "key");
    }

    private static IEnumerable<StringShape> StringShapes(Shape shape) => shape switch
    {
        StringShape s => [s],
        ListShape l => StringShapes(l.Items),
        ObjectShape o => o.Fields.SelectMany(f => StringShapes(f.Shape)),
        _ => [],
    };
}
