namespace GridSpan.Core.Tests.Config;

/// <summary>The generic checks every key gets from its shape: types, ranges, allowed values, unknown and missing keys.</summary>
public sealed class ShapeCheckTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string WithGroup(string group) =>
        ConfigTestFiles.Minimal.Replace("{ name: cpu, flavor: small, count: 1 }", group, StringComparison.Ordinal);

    [Theory]
    [InlineData("ondemand", "onDemand")]
    [InlineData("OnDemand", "onDemand")]
    [InlineData("flavour", "flavor")]
    [InlineData("feature", "features")]
    [InlineData("cuont", "count")]
    public void An_unknown_key_suggests_the_nearest_known_one(string written, string meant)
    {
        var error = _files.LoadOneError(WithGroup($"{{ name: cpu, flavor: small, count: 1, {written}: 1 }}"));

        Assert.Equal($"sites[0].workers[0].{written}", error.KeyPath);
        Assert.Equal($"unknown key '{written}'", error.Problem);
        Assert.StartsWith($"did you mean '{meant}'?", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_without_a_near_match_lists_the_allowed_keys()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\nmonitoring: true\n");

        Assert.Equal("monitoring", error.KeyPath);
        Assert.Equal("remove it; the keys allowed here are: name, ssh, sites, overlay, storage, slurm", error.Fix);
    }

    [Fact]
    public void A_missing_required_key_is_reported_at_its_mapping()
    {
        var error = _files.LoadOneError(WithGroup("{ name: cpu, count: 1 }"));

        Assert.Equal("sites[0].workers[0].flavor", error.KeyPath);
        Assert.Equal("the required key 'flavor' is missing", error.Problem);
        Assert.Equal((7, 9), (error.Location.Line, error.Location.Column));
        Assert.Equal("add 'flavor:' here (the size of the node as the site's provider names it, e.g. small)", error.Fix);
    }

    [Theory]
    [InlineData("count: two", "expected a whole number, found 'two'", "write a whole number from 0 to 10000")]
    [InlineData("count: \"2\"", "expected a whole number, found the quoted string \"2\"", "remove the quotes: 2")]
    [InlineData("count: 2.5", "expected a whole number, found '2.5'", "write a whole number from 0 to 10000")]
    [InlineData("count: 10001", "10001 is out of range", "write a whole number from 0 to 10000")]
    [InlineData("count: [1]", "expected a whole number, found a list", "write a whole number from 0 to 10000")]
    [InlineData("count:", "expected a whole number, found nothing (null)", "write a whole number from 0 to 10000")]
    public void A_count_must_be_a_whole_number_in_range(string entry, string problem, string fix)
    {
        var error = _files.LoadOneError(WithGroup($"{{ name: cpu, flavor: small, {entry} }}"));

        Assert.Equal("sites[0].workers[0].count", error.KeyPath);
        Assert.Equal(problem, error.Problem);
        Assert.Equal(fix, error.Fix);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("\"true\"")]
    [InlineData("1")]
    public void A_boolean_must_be_true_or_false(string value)
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal.Replace("{ flavor: small }", $"{{ flavor: small, compute: {value} }}", StringComparison.Ordinal));

        Assert.Equal("sites[0].master.compute", error.KeyPath);
        Assert.StartsWith("expected true or false, found ", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapping_where_a_text_belongs_is_a_type_error()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal.Replace("name: demo", "name: { first: demo }", StringComparison.Ordinal));

        Assert.Equal("name", error.KeyPath);
        Assert.Equal("expected a text value, found a mapping", error.Problem);
    }

    [Fact]
    public void A_text_where_a_list_belongs_is_a_type_error()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\nstorage: { shares: /home }\n");

        Assert.Equal("storage.shares", error.KeyPath);
        Assert.Equal("expected a list, found '/home'", error.Problem);
        Assert.Contains("[a, b]", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_where_a_mapping_belongs_shows_the_inline_form()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal.Replace("{ flavor: small }", "small", StringComparison.Ordinal));

        Assert.Equal("sites[0].master", error.KeyPath);
        Assert.Equal("expected a mapping of keys to values, found 'small'", error.Problem);
        Assert.Equal("write the keys on indented lines below 'master:', or inline as { flavor: ... }", error.Fix);
    }

    [Fact]
    public void An_unknown_provider_lists_the_known_ones()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal.Replace("provider: lab", "provider: aws", StringComparison.Ordinal));

        Assert.Equal("sites[0].provider", error.KeyPath);
        Assert.Equal("'aws' is not one of: cloud, lab", error.Problem);
        Assert.Equal("write one of: cloud, lab", error.Fix);
    }

    [Fact]
    public void A_misspelt_provider_is_corrected()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal.Replace("provider: lab", "provider: lba", StringComparison.Ordinal));

        Assert.Equal("did you mean 'lab'?", error.Fix);
    }

    [Fact]
    public void An_overlay_kind_must_be_wireguard_ipsec_or_vxlan()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\noverlay: { kind: openvpn }\n");

        Assert.Equal("overlay.kind", error.KeyPath);
        Assert.Equal("'openvpn' is not one of: wireguard, ipsec, vxlan", error.Problem);
    }

    [Fact]
    public void A_providers_section_is_checked_against_the_providers_shape()
    {
        var errors = _files.LoadErrors(ConfigTestFiles.Minimal.Replace("provider: lab", "provider: lab\n    lab: { mtu: 100, vlan: 3 }", StringComparison.Ordinal));

        Assert.Equal(["sites[0].lab.mtu", "sites[0].lab.vlan"], errors.Select(e => e.KeyPath));
        Assert.Equal("100 is out of range", errors[0].Problem);
    }

    [Fact]
    public void A_providers_own_semantic_errors_are_reported_with_the_rest()
    {
        var errors = _files.LoadErrors(ConfigTestFiles.Minimal.Replace("provider: lab", "provider: lab\n    lab: { subnet: nonsense }", StringComparison.Ordinal)
            .Replace("name: demo", "name: Demo", StringComparison.Ordinal));

        Assert.Equal(["name", "sites[0].lab.subnet"], errors.Select(e => e.KeyPath));
        Assert.Equal("'nonsense' is not a subnet", errors[1].Problem);
    }

    [Fact]
    public void A_pattern_is_checked_on_text_values()
    {
        var error = _files.LoadOneError(WithGroup("{ name: cpu, flavor: small, count: 1, features: [high mem] }"));

        Assert.Equal("sites[0].workers[0].features[0]", error.KeyPath);
        Assert.StartsWith("'high mem' does not have the expected form", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_of_the_wrong_items_reports_each_bad_item()
    {
        var errors = _files.LoadErrors(ConfigTestFiles.Minimal + "\nstorage: { shares: [/home, [nested], { a: b }] }\n");

        Assert.Equal(["storage.shares[1]", "storage.shares[2]"], errors.Select(e => e.KeyPath));
    }
}
