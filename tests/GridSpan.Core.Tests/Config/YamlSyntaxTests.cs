namespace GridSpan.Core.Tests.Config;

public sealed class YamlSyntaxTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_syntax_error_is_an_error_with_its_position_not_an_exception()
    {
        var error = _files.LoadOneError("name: demo\nsites: [ { name: a, provider: lab }\n");

        Assert.Equal("(file)", error.KeyPath);
        Assert.Equal(3, error.Location.Line);
        Assert.StartsWith("this is not valid YAML: ", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Line:", error.Problem, StringComparison.Ordinal);
        Assert.Contains("indentation", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tab_used_for_indentation_is_reported_at_its_line()
    {
        var error = _files.LoadOneError("name: demo\nssh:\n\tuser: root\n");

        Assert.Equal(3, error.Location.Line);
        Assert.Contains("not valid YAML", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void An_empty_file_is_an_error(string text)
    {
        var error = _files.LoadOneError(text);

        Assert.Equal("the file is empty", error.Problem);
        Assert.Equal((1, 1), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void A_second_yaml_document_is_an_error()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\n---\nname: other\n");

        Assert.Equal(8, error.Location.Line);
        Assert.Contains("more than one YAML document", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_duplicate_key_is_reported_with_the_position_of_the_first()
    {
        var errors = _files.LoadErrors(ConfigTestFiles.Minimal.Replace("count: 1", "count: 1, count: 2", StringComparison.Ordinal)
            + "\nname: again\n");

        Assert.Collection(errors,
            e =>
            {
                Assert.Equal("sites[0].workers[0].count", e.KeyPath);
                Assert.Equal("duplicate key 'count' (first given at line 7, column 37)", e.Problem);
            },
            e =>
            {
                Assert.Equal("name", e.KeyPath);
                Assert.Equal((8, 1), (e.Location.Line, e.Location.Column));
                Assert.Equal("duplicate key 'name' (first given at line 1, column 1)", e.Problem);
            });
    }

    [Fact]
    public void An_alias_to_an_unknown_anchor_is_an_error()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\nstorage: *nothing\n");

        Assert.Contains("not valid YAML", error.Problem, StringComparison.Ordinal);
        Assert.Equal(8, error.Location.Line);
    }

    [Fact]
    public void A_file_that_is_not_a_mapping_says_what_the_top_level_needs()
    {
        var error = _files.LoadOneError("- just\n- a list\n");

        Assert.Equal("(root)", error.KeyPath);
        Assert.Equal("expected a mapping of keys to values, found a list", error.Problem);
        Assert.Contains("name: ..., sites: ...", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_flow_mapping_at_the_end_is_an_error_not_an_exception()
    {
        var error = _files.LoadOneError("name: demo\nsites: {a: 1\nb: 2\n");

        Assert.Contains("never closed", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void No_prefix_of_a_valid_file_makes_the_loader_throw()
    {
        const string text = """
            name: demo
            ssh: { user: root, publicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f a"] }
            sites:
              - name: berlin
                provider: lab
                lab: { subnet: 10.11.0.0/24, mtu: 1500 }
                master: { flavor: small, image: 'debian-12', compute: false }
                workers:
                  - { name: cpu, flavor: small, count: 2 }
                  - name: big
                    flavor: &large large
                    onDemand: 8
                    features: [highmem]
              - name: hamburg
                provider: cloud
                cloud: { region: "eu-1" }
                gateway: { flavor: *large }
            overlay: { kind: wireguard, cidr: 10.99.0.0/24 }
            storage: { shares: [/home, /vol/spool] }
            """;
        var outcomes = new HashSet<bool>();

        for (var length = 0; length <= text.Length; length++)
        {
            var result = _files.Load(text[..length]);
            Assert.True(result.Spec is null != result.Errors.IsEmpty, $"prefix of length {length}");
            outcomes.Add(result.IsValid);
        }

        Assert.Equal([false, true], outcomes.Order());
        Assert.True(_files.Load(text).IsValid);
    }

    [Fact]
    public void An_alias_bomb_is_refused_before_it_is_expanded()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 12; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        var error = _files.LoadOneError(string.Join("\n", lines) + "\n");

        Assert.StartsWith("the file expands to more than 1,000,000 values", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public void Values_nested_deeper_than_the_limit_are_refused_at_the_first_level_too_deep(string open, string close)
    {
        const int depth = 65;
        var text = "name: " + string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth)) + "\n";
        if (open == "- ")
        {
            text = "name:\n" + string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', (i + 1) * 2) + "-\n")) + new string(' ', (depth + 1) * 2) + "x\n";
        }

        var error = _files.LoadOneError(text);

        Assert.Equal("(file)", error.KeyPath);
        Assert.Equal("values nest more than 64 levels deep", error.Problem);
        Assert.True(error.Location.Line > 1 || error.Location.Column > 7, $"positioned at the level too deep, not at the start: {error.Location}");
    }

    [Fact]
    public void Fifty_thousand_nested_brackets_give_the_nesting_error_quickly_without_a_stack_overflow()
    {
        var text = "name: demo\nsites: " + new string('[', 50_000) + "\n";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = _files.LoadOneError(text);

        Assert.Equal("values nest more than 64 levels deep", error.Problem);
        Assert.Equal((2, "sites: ".Length + 64), (error.Location.Line, error.Location.Column));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Sixty_four_levels_are_accepted_by_the_reader()
    {
        var text = ConfigTestFiles.Minimal.Replace("count: 1 }", "count: 1, features: " + new string('[', 50) + new string(']', 50) + " }", StringComparison.Ordinal);

        var errors = _files.Load(text).Errors;

        Assert.DoesNotContain(errors, e => e.Problem.Contains("nest", StringComparison.Ordinal));
    }
}
