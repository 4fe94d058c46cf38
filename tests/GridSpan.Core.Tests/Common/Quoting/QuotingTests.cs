using GridSpan.Common.Quoting;
using GridSpan.Render;
using YamlDotNet.RepresentationModel;

namespace GridSpan.Core.Tests.Common.Quoting;

/// <summary>Each quoter, fed what a hostile cluster.yaml could hold, gives text its target reads back exactly, or refuses it.</summary>
public sealed class QuotingTests
{
    public static TheoryData<string> Hostile => new()
    {
        "/home;touch${IFS}/tmp/x", "$(id)", "`id`", "a;b", "a && b", "a|b", "a > /etc/passwd", "*", "it's", "\"quoted\"",
        "two words", "%h%n%%", "# comment", "a#b", "back\\slash", "-leading", "", "ümlaut", "tab\there", "new\nline", "cr\rhere",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void ShellQuote_survives_a_round_trip_through_sh(string value)
    {
        var quoted = ShellQuote.Quote(value);

        Tool.Run("sh", ["-n", "-c", "printf %s " + quoted], "");
        Assert.Equal(value, Tool.Run("sh", ["-c", "printf %s " + quoted], ""));
    }

    [Fact]
    public void ShellQuote_keeps_plain_words_as_they_are_and_joins_words()
    {
        Assert.Equal("/home", ShellQuote.Quote("/home"));
        Assert.Equal("a 'b c' '$x'", ShellQuote.Join(["a", "b c", "$x"]));
        Assert.Equal(["a", "b c", "$x", "''"], Tool.Run("sh", ["-c", "for w in " + ShellQuote.Join(["a", "b c", "$x", "''"]) + "; do echo \"$w\"; done"], "").TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("/home")]
    [InlineData("/data/my-share")]
    [InlineData("/.hidden/a b/%x")]
    [InlineData("/srv/ümlaut/x.y")]
    [InlineData("/")]
    public void SystemdQuote_names_path_units_as_systemd_escape_does(string path)
    {
        var expected = Tool.Run("systemd-escape", ["--path", "--suffix=mount", path], "").TrimEnd('\n');

        Assert.Equal(expected, SystemdQuote.PathUnitName(path, "mount"));
    }

    [Fact]
    public void SystemdQuote_doubles_specifiers_and_refuses_line_breaks()
    {
        Assert.Equal("/data/%%h", SystemdQuote.Value("/data/%h"));
        Assert.Throws<ArgumentException>(() => SystemdQuote.Value("/data\nExecStart=/bin/sh"));
    }

    [Theory]
    [InlineData("/data dir", "/data\\040dir")]
    [InlineData("/data#x", "/data\\043x")]
    [InlineData("/a\"b", "/a\\042b")]
    [InlineData("/a*(rw)", "/a\\052\\050rw\\051")]
    [InlineData("/home/my-share_1.2", "/home/my-share_1.2")]
    public void ExportsQuote_escapes_every_character_that_could_end_the_path(string path, string expected)
    {
        Assert.Equal(expected, ExportsQuote.Path(path));
    }

    [Fact]
    public void ExportsQuote_refuses_line_breaks() =>
        Assert.Throws<ArgumentException>(() => ExportsQuote.Path("/home\n/ *(rw)"));

    [Theory]
    [InlineData("demo", "demo")]
    [InlineData("w[1-3],x", "w[1-3],x")]
    [InlineData("a#b", "a\\#b")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("A=B", "\"A=B\"")]
    public void SlurmConfQuote_escapes_comments_and_quotes_spaces(string value, string expected) =>
        Assert.Equal(expected, SlurmConfQuote.Value(value));

    [Theory]
    [InlineData("demo\nNodeName=evil")]
    [InlineData("a\"b")]
    public void SlurmConfQuote_refuses_what_slurm_conf_cannot_hold(string value) =>
        Assert.Throws<ArgumentException>(() => SlurmConfQuote.Value(value));

    [Theory]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData("#x")]
    [InlineData("-x")]
    [InlineData("")]
    [InlineData("a;b")]
    public void HostsQuote_refuses_anything_but_host_names(string name) =>
        Assert.Throws<ArgumentException>(() => HostsQuote.Name(name));

    [Fact]
    public void HostsQuote_keeps_host_names() => Assert.Equal("w-1.demo.cluster", HostsQuote.Name("w-1.demo.cluster"));

    [Theory]
    [InlineData("demo.cluster", "demo.cluster")]
    [InlineData("/demo.cluster/", "/demo.cluster/")]
    [InlineData("a#b", "\"a#b\"")]
    [InlineData("a \"b\\", "\"a \\\"b\\\\\"")]
    public void DnsmasqQuote_quotes_values_dnsmasq_would_cut(string value, string expected) =>
        Assert.Equal(expected, DnsmasqQuote.Value(value));

    [Fact]
    public void DnsmasqQuote_output_is_accepted_by_dnsmasq()
    {
        var file = Path.Combine(Path.GetTempPath(), $"gridspan-dnsmasq-{Guid.NewGuid():N}.conf");
        try
        {
            File.WriteAllText(file, $"domain={DnsmasqQuote.Value("a#b.example")}\nno-resolv\n");
            Tool.Run("dnsmasq", ["--test", "--conf-file=" + file], "");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void DnsmasqQuote_refuses_line_breaks() =>
        Assert.Throws<ArgumentException>(() => DnsmasqQuote.Value("demo\nserver=1.2.3.4"));

    [Theory]
    [MemberData(nameof(Hostile))]
    public void YamlWriter_text_reads_back_exactly_in_YamlDotNet_and_PyYAML(string value)
    {
        var yaml = YamlWriter.Write(YamlWriter.Map(("key", YamlWriter.Text(value)), ("list", YamlWriter.List([YamlWriter.Text(value)]))), "#cloud-config");

        Assert.StartsWith("#cloud-config\n", yaml, StringComparison.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Assert.Equal(value, ((YamlScalarNode)root.Children[new YamlScalarNode("key")]).Value);
        var python = "import json, sys, yaml; d = yaml.safe_load(sys.stdin); sys.stdout.write(json.dumps([d['key'], d['list'][0]]))";
        Assert.Equal([value, value], System.Text.Json.JsonSerializer.Deserialize<string[]>(Tool.Run("python3", ["-c", python], yaml))!);
    }

    public static TheoryData<string> MultiLine => new()
    {
        "-----BEGIN KEY-----\nabc+/=\n-----END KEY-----\n", "no final break\nhere", "a\n\nb\n", "two final breaks\n\n", "\n", " leading space\n",
        "trailing space \nx\n", "tab\tinside\n", "crlf\r\n", "---\n...\n", "# not a comment\n- not a list\n", "emoji \U0001F600\n",
        "line\u2028separator\n", "next\u0085line\n", "bom\uFEFF\n", "lone \uD800 half\n", "ümlaut\n", "\"quoted\": 'x'\n",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    [MemberData(nameof(MultiLine))]
    public void YamlWriter_block_reads_back_exactly_in_YamlDotNet_and_PyYAML(string value)
    {
        var yaml = YamlWriter.Write(YamlWriter.Map(
            ("key", YamlWriter.Block(value)),
            ("list", YamlWriter.List([YamlWriter.Map(("content", YamlWriter.Block(value)), ("after", YamlWriter.Text("x")))]))));

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        if (!value.Contains('\uD800', StringComparison.Ordinal))
        {
            Assert.Equal(value, ((YamlScalarNode)root.Children[new YamlScalarNode("key")]).Value);
        }
        var python = "import json, sys, yaml; d = yaml.safe_load(sys.stdin); sys.stdout.write(json.dumps([d['key'], d['list'][0]['content'], d['list'][0]['after']]))";
        Assert.Equal([value, value, "x"], System.Text.Json.JsonSerializer.Deserialize<string[]>(Tool.Run("python3", ["-c", python], yaml))!);
    }

    [Fact]
    public void YamlWriter_writes_block_style_with_indented_lists_literal_key_files_and_empty_collections_inline()
    {
        var yaml = YamlWriter.Write(YamlWriter.Map(
            ("hostname", YamlWriter.Text("n1")),
            ("empty", YamlWriter.List([])),
            ("none", YamlWriter.Map()),
            ("files", YamlWriter.List([
                YamlWriter.Map(("path", YamlWriter.Text("/etc/key")), ("mode", YamlWriter.Text("0600")), ("content", YamlWriter.Block("k1\nk2\n"))),
                YamlWriter.Map(("nested", YamlWriter.List([YamlWriter.Text("a b"), YamlWriter.List([YamlWriter.Literal(true)])]))),
            ])),
            ("keys", YamlWriter.Map(("private", YamlWriter.Block("p\n\nq")), ("flag", YamlWriter.Literal(false))))), "#cloud-config");

        Assert.Equal("""
            #cloud-config
            hostname: n1
            empty: []
            none: {}
            files:
              - path: /etc/key
                mode: "0600"
                content: |
                  k1
                  k2
              - nested:
                  - "a b"
                  - 
                    - true
            keys:
              private: |-
                p

                q
              flag: false

            """.Replace("- \n", "- \n", StringComparison.Ordinal), yaml);
        var python = "import json, sys, yaml; sys.stdout.write(json.dumps(yaml.safe_load(sys.stdin), sort_keys=True))";
        Assert.Equal("""{"empty": [], "files": [{"content": "k1\nk2\n", "mode": "0600", "path": "/etc/key"}, {"nested": ["a b", [true]]}], "hostname": "n1", "keys": {"flag": false, "private": "p\n\nq"}, "none": {}}""",
            Tool.Run("python3", ["-c", python], yaml));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("null")]
    [InlineData("0600")]
    [InlineData("1.5")]
    public void YamlWriter_text_stays_a_string_where_YAML_1_1_would_read_another_type(string value)
    {
        var yaml = YamlWriter.Write(YamlWriter.Map(("key", YamlWriter.Text(value))));

        Assert.Equal(value, System.Text.Json.JsonSerializer.Deserialize<string>(Tool.Run("python3", ["-c", "import json, sys, yaml; sys.stdout.write(json.dumps(yaml.safe_load(sys.stdin)['key']))"], yaml)));
    }

    [Fact]
    public void YamlWriter_refuses_comments_with_line_breaks() =>
        Assert.Throws<ArgumentException>(() => YamlWriter.Write(YamlWriter.Map(), "# a\nkey: value"));

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\0b")]
    [InlineData("a\x1b[31mb")]
    public void A_rendered_line_never_holds_a_control_character(string line) =>
        Assert.Throws<ArgumentException>(() => new TextLines().Line(line));
}
