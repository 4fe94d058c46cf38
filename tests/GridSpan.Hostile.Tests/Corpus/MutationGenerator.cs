using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace GridSpan.Hostile.Tests.Corpus;

/// <summary>
/// Generates the corpus deterministically from one valid two-site cluster: every string field gets
/// every injection payload, numbers get values out of range or of the wrong type, keys are dropped,
/// misspelt or given the wrong shape, and sizes, ranges, names and nesting are pushed past GridSpan's
/// rules. Cases that must be accepted (unusual but safe values) are here too, so plan and render are
/// exercised on them. The same code always gives the same cases in the same order.
/// </summary>
internal static class MutationGenerator
{
    /// <summary>The valid cluster; every {slot} is one field a mutation replaces.</summary>
    private const string Template = """
        name: {name}
        ssh: { user: {user}, publicKeys: [{key}] }
        sites:
          - name: {site0}
            provider: {provider}
            local: { subnet: {subnet0}, mtu: {mtu} }
            master: { flavor: {masterFlavor}, image: {masterImage}, compute: {compute} }
            workers:
              - { name: {group0}, flavor: {groupFlavor}, image: {groupImage}, count: {count}, onDemand: {onDemand}, features: [{feature}] }
              - { name: big, flavor: large, onDemand: 2 }
          - name: {site1}
            provider: local
            local: { subnet: {subnet1} }
            gateway: { flavor: {gatewayFlavor}, image: {gatewayImage} }
            workers:
              - { name: cpu, flavor: small, count: 1, onDemand: 2 }
        overlay: { kind: {overlayKind}, cidr: {overlayCidr} }
        storage: { shares: [{share0}, {share1}] }
        slurm: { suspendTime: {suspendTime}, resumeTimeout: {resumeTimeout} }

        """;

    public const string ValidKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f alice@laptop";

    private static readonly ImmutableDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["name"] = "demo",
        ["user"] = "root",
        ["key"] = YamlText.Quote(ValidKey),
        ["site0"] = "berlin",
        ["provider"] = "local",
        ["subnet0"] = "10.11.0.0/24",
        ["mtu"] = "1500",
        ["masterFlavor"] = "small",
        ["masterImage"] = "debian-12",
        ["compute"] = "false",
        ["group0"] = "cpu",
        ["groupFlavor"] = "small",
        ["groupImage"] = "debian-12",
        ["count"] = "1",
        ["onDemand"] = "4",
        ["feature"] = "highmem",
        ["site1"] = "hamburg",
        ["subnet1"] = "10.12.0.0/24",
        ["gatewayFlavor"] = "small",
        ["gatewayImage"] = "debian-12",
        ["overlayKind"] = "wireguard",
        ["overlayCidr"] = "10.99.0.0/24",
        ["share0"] = "/home",
        ["share1"] = "/vol/spool",
        ["suspendTime"] = "300",
        ["resumeTimeout"] = "300",
    }.ToImmutableDictionary();

    /// <summary>String fields whose every value is checked against a strict grammar or a fixed list.</summary>
    private static readonly ImmutableArray<string> StrictStringSlots =
    [
        "name", "user", "site0", "site1", "group0", "provider", "subnet0", "overlayCidr", "overlayKind", "feature", "share0",
        "masterFlavor", "masterImage", "groupFlavor", "groupImage", "gatewayFlavor", "gatewayImage",
    ];

    /// <summary>Appended to a valid value, each makes it invalid in every strict field.</summary>
    private static readonly ImmutableArray<(string Id, string Text)> Payloads =
    [
        ("semicolon", ";touch${IFS}/tmp/x"),
        ("command-substitution", "$(id)"),
        ("backticks", "`id`"),
        ("pipe", "|id"),
        ("and", "&&id"),
        ("redirect", ">/tmp/x"),
        ("glob", "*"),
        ("single-quote", "'"),
        ("double-quote", "\""),
        ("hash", "#c"),
        ("percent", "%n"),
        ("newline", "\n"),
        ("newline-key", "\nPartitionName=evil Nodes=ALL"),
        ("carriage-return", "\r"),
        ("tab", "\tx"),
        ("space", " x"),
        ("nul", "\0"),
        ("terminal-escape", "\u001b]0;owned\u0007\u001b[2J"),
        ("right-to-left", "\u202e"),
        ("non-ascii", "é"),
        ("backslash", "\\"),
        ("bang", "!"),
        ("braces", "{x}"),
        ("equals", "=x"),
        ("comma", ",x"),
        ("at", "@x"),
    ];

    public static ImmutableArray<CorpusCase> Generate()
    {
        var cases = ImmutableArray.CreateBuilder<CorpusCase>();
        cases.Add(Case("valid-base", [], 0, "the unmutated base cluster"));
        AddInjections(cases);
        AddOversizedStrings(cases);
        AddNumbers(cases);
        AddShapes(cases);
        AddNamesAndClashes(cases);
        AddRanges(cases);
        AddSizes(cases);
        AddNesting(cases);
        AddAccepted(cases);
        return cases.ToImmutable();
    }

    private static void AddInjections(ImmutableArray<CorpusCase>.Builder cases)
    {
        foreach (var slot in StrictStringSlots)
        {
            foreach (var (id, text) in Payloads)
            {
                cases.Add(Case($"inject-{slot}-{id}", [(slot, YamlText.Quote(Unquoted(slot) + text))], 3, $"{slot} with {id}"));
            }
            cases.Add(Case($"inject-{slot}-empty", [(slot, "\"\"")], 3, $"{slot} empty"));
        }
        // A key line whose comment holds a newline and a forced command (issue 10 item 3).
        cases.Add(Case("inject-key-newline-command", [("key", YamlText.Quote(ValidKey + "\ncommand=\"touch /tmp/x\" " + ValidKey))], 3,
            "an inline key with a second line carrying options"));
        cases.Add(Case("inject-key-options", [("key", YamlText.Quote("command=\"touch /tmp/x\" " + ValidKey))], 3, "an inline key with options"));
    }

    private static void AddOversizedStrings(ImmutableArray<CorpusCase>.Builder cases)
    {
        foreach (var slot in StrictStringSlots)
        {
            cases.Add(Case($"oversized-{slot}-64k", [(slot, Unquoted(slot) + new string('a', 65_536))], 3, $"{slot} of 64 KiB"));
        }
        cases.Add(Case("oversized-key-1m", [("key", YamlText.Quote("ssh-ed25519 " + new string('A', 1 << 20)))], 3, "a key line of 1 MiB"));
    }

    private static void AddNumbers(ImmutableArray<CorpusCase>.Builder cases)
    {
        string[] slots = ["count", "onDemand", "mtu", "suspendTime", "resumeTimeout"];
        (string Id, string Text)[] values =
        [
            ("negative", "-1"), ("huge", "99999999999999999999999999"), ("long-max", "9223372036854775807"), ("int-overflow", "4294967297"),
            ("float", "1.5"), ("exponent", "1e9"), ("hex", "0x10"), ("infinity", ".inf"), ("nan", ".nan"), ("bool", "true"),
            ("string", "\"ten\""), ("list", "[1]"), ("map", "{ a: 1 }"), ("empty", "\"\""),
        ];
        foreach (var slot in slots)
        {
            foreach (var (id, text) in values)
            {
                cases.Add(Case($"number-{slot}-{id}", [(slot, text)], 3, $"{slot}: {text}"));
            }
        }
        cases.Add(Case("number-compute-string", [("compute", "\"yes; reboot\"")], 3, "compute as a string"));
        cases.Add(Case("number-mtu-too-small", [("mtu", "576")], 3, "an MTU below the provider's minimum"));
        cases.Add(Case("number-count-above-group-limit", [("count", "10001")], 3, "a group above 10,000 nodes"));
    }

    private static void AddShapes(ImmutableArray<CorpusCase>.Builder cases)
    {
        var valid = Render([]);
        string[] topKeys = ["name:", "sites:"];
        foreach (var key in topKeys)
        {
            cases.Add(Raw($"shape-missing-{key.TrimEnd(':')}", RemoveLineStartingWith(valid, key), 3, $"no {key}"));
        }
        cases.Add(Raw("shape-empty-file", "", 3, "an empty file"));
        cases.Add(Raw("shape-only-comment", "# nothing\n", 3, "only a comment"));
        cases.Add(Raw("shape-scalar-root", "demo\n", 3, "a scalar instead of a mapping"));
        cases.Add(Raw("shape-list-root", "- demo\n", 3, "a list instead of a mapping"));
        cases.Add(Raw("shape-duplicate-key", "name: demo\n" + valid, 3, "the key name twice"));
        cases.Add(Raw("shape-unknown-top-key", valid + "extra: { run: \"$(id)\" }\n", 3, "an unknown top-level key"));
        cases.Add(Raw("shape-unknown-site-key", valid.Replace("    provider: local\n", "    provider: local\n    userData: \"#!/bin/sh\\nid\"\n", StringComparison.Ordinal), 3, "an unknown key on a site"));
        cases.Add(Raw("shape-tab-indent", valid.Replace("  - name: berlin", "\t- name: berlin", StringComparison.Ordinal), 3, "a tab for indentation"));
        cases.Add(Raw("shape-unclosed-flow", valid.Replace("storage: { shares: [", "storage: { shares: [[", StringComparison.Ordinal), 3, "an unclosed bracket"));
        cases.Add(Raw("shape-bad-utf8-bom-twice", "\uFEFF\uFEFF" + valid, 0, "two byte-order marks: YAML allows a mark before a document, and it reaches no output"));
        cases.Add(Raw("shape-tag", valid.Replace("name: demo", "name: !!binary ZGVtbw==", StringComparison.Ordinal), 3, "a YAML tag"));
        cases.Add(Raw("shape-custom-tag", valid.Replace("name: demo", "name: !shell id", StringComparison.Ordinal), 0, "a custom YAML tag is ignored: the value is the plain name 'id'"));
        cases.Add(Raw("shape-merge-key", valid.Replace("ssh: { user: root", "ssh: { <<: { user: root }, user: root", StringComparison.Ordinal), 3, "a YAML merge key"));
        cases.Add(Raw("shape-multi-document", valid + "---\nname: other\n", 3, "a second YAML document"));
        cases.Add(Raw("shape-complex-key", valid + "? [a, b]\n: c\n", 3, "a list as a key"));
        cases.Add(Raw("shape-sites-map", valid.Replace("sites:\n", "sites: { a: 1 }\nignored:\n", StringComparison.Ordinal), 3, "sites as a mapping"));
        cases.Add(Case("shape-shares-map", [("share0", "{ path: /home }")], 3, "a share as a mapping"));
        cases.Add(Case("shape-name-list", [("name", "[demo]")], 3, "the name as a list"));
        cases.Add(Case("shape-key-number", [("key", "42")], 3, "a key as a number"));
        cases.Add(Raw("shape-aliases-billion-laughs", BillionLaughs() + valid, 3, "nested aliases that expand exponentially"));
        cases.Add(Raw("shape-crlf", valid.Replace("\n", "\r\n", StringComparison.Ordinal), 0, "Windows line ends are fine"));
        cases.Add(Raw("shape-nul-in-file", valid + "\0\n", 0, "a NUL byte outside any value is ignored"));
    }

    private static void AddNamesAndClashes(ImmutableArray<CorpusCase>.Builder cases)
    {
        cases.Add(Case("clash-site-named-all", [("site0", "all")], 3, "a site named all: the partition of every node"));
        cases.Add(Case("clash-site-named-all-second", [("site1", "all")], 3, "the second site named all"));
        cases.Add(Case("clash-site-like-group-partition", [("site1", "berlin-cpu")], 3, "site berlin-cpu beside berlin's group cpu"));
        cases.Add(Case("clash-two-sites-one-name", [("site1", "berlin")], 3, "two sites named berlin"));
        cases.Add(Case("clash-group-like-other", [("group0", "big")], 3, "two groups named big in one site"));
        cases.Add(Case("name-cluster-64", [("name", new string('c', 64))], 3, "a cluster name of 64 characters"));
        // Only workers' names used to be checked; without workers the master's and gateway's names must be checked too.
        var longName = new string('c', 57);
        cases.Add(Raw("name-master-too-long", $"name: {longName}\nsites:\n  - {{ name: here, provider: local, master: {{ flavor: small, compute: true }} }}\n", 3,
            "a master whose host name has 64 characters (issue 10 item 11)"));
        cases.Add(Raw("name-gateway-too-long",
            $"name: demo\nsites:\n  - {{ name: here, provider: local, master: {{ flavor: small, compute: true }} }}\n  - {{ name: {new string('h', 56)}, provider: local, gateway: {{ flavor: small }} }}\n", 3,
            "a gateway whose host name has 64 characters (issue 10 item 11)"));
        cases.Add(Case("name-worker-too-long", [("name", new string('c', 20)), ("site0", new string('b', 20)), ("group0", new string('g', 20))], 3,
            "worker names of 65 characters"));
        cases.Add(Case("name-uppercase", [("name", "Demo")], 3, "an uppercase cluster name"));
        cases.Add(Case("name-leading-hyphen", [("site0", "-berlin")], 3, "a site name starting with a hyphen"));
        cases.Add(Case("name-punycode-dot", [("name", "xn--demo.evil")], 3, "a dot in the cluster name"));
        cases.Add(Case("user-uppercase", [("user", "Root")], 3, "an uppercase user"));
        cases.Add(Case("user-too-long", [("user", new string('u', 33))], 3, "a user of 33 characters"));
        cases.Add(Case("user-path", [("user", "../../etc")], 3, "a user that is a path"));
        cases.Add(Case("user-system-slurm", [("user", "slurm")], 3, "the cluster user named like Slurm's own account (issue 10 item 19)"));
        cases.Add(Case("user-storage-account", [("user", "gridspan-storage")], 3, "the cluster user named like the storage login (issue 10 items 17 and 19)"));
        cases.Add(Raw("user-root-with-sudo", Render([]).Replace("ssh: { user: root", "ssh: { sudo: true, user: root", StringComparison.Ordinal), 3,
            "sudo for root (issue 10 item 19)"));
        cases.Add(Raw("user-ordinary-with-sudo", Render([("user", "alice")]).Replace("ssh: { user: alice", "ssh: { sudo: true, user: alice", StringComparison.Ordinal), 0,
            "an ordinary cluster user given sudo: plans and renders (issue 10 item 19)"));
        cases.Add(Case("share-system-etc", [("share0", "/etc")], 3, "/etc shared"));
        cases.Add(Case("share-gridspan-state", [("share0", "/var/lib/gridspan")], 3, "the master's secrets shared"));
        cases.Add(Case("share-root", [("share0", "/")], 3, "/ shared"));
        cases.Add(Case("share-double-slash", [("share0", "//")], 3, "// shared"));
        cases.Add(Case("share-nested", [("share1", "/home/spool")], 3, "a share inside another"));
        cases.Add(Case("share-twice", [("share1", "//home")], 3, "/home twice, once as //home"));
        cases.Add(Case("share-dotdot", [("share0", "/vol/../etc")], 3, "a share with .."));
        cases.Add(Case("share-relative", [("share0", "home")], 3, "a relative share"));
        cases.Add(Case("key-missing-file", [("key", "/nonexistent/id_ed25519.pub")], 3, "a key file that does not exist"));
        cases.Add(Case("key-directory", [("key", "/etc")], 3, "a key path that is a directory"));
        cases.Add(Case("key-dev-null", [("key", "/dev/null")], 3, "a key path that is a device holding no key"));
        cases.Add(Case("key-garbage-line", [("key", "\"ssh-ed25519 not-base64!!\"")], 3, "a key line whose blob is not base64"));
        cases.Add(Case("key-type-mismatch", [("key", YamlText.Quote(ValidKey.Replace("ssh-ed25519", "ssh-rsa", StringComparison.Ordinal)))], 3,
            "a key line whose type differs from its blob's"));
        cases.Add(Case("overlay-ipsec", [("overlayKind", "ipsec")], 0, "the ipsec overlay between two sites, rendered with strongSwan tunnels"));
        cases.Add(Case("overlay-vxlan", [("overlayKind", "vxlan")], 3, "an overlay render cannot write (vxlan)"));
        cases.Add(Case("flavor-unknown-local", [("masterFlavor", "huge")], 3, "a flavor the local cloud does not have (issue 10 item 4)"));
        cases.Add(Case("image-unknown-local", [("groupImage", "ubuntu-24.04")], 3, "an image the local cloud does not have (issue 10 item 4)"));
    }

    private static void AddRanges(ImmutableArray<CorpusCase>.Builder cases)
    {
        (string Id, string Slot, string Value)[] reserved =
        [
            ("overlay-loopback", "overlayCidr", "127.0.0.0/8"),
            ("overlay-link-local", "overlayCidr", "169.254.0.0/24"),
            ("subnet-link-local", "subnet0", "169.254.0.0/24"),
            ("subnet-multicast", "subnet0", "224.0.0.0/24"),
            ("subnet-multicast-wide", "subnet0", "224.0.0.0/4"),
            ("subnet-reserved-240", "subnet0", "240.0.0.0/24"),
            ("subnet-this-network", "subnet0", "0.0.0.0/24"),
            ("subnet-local-cloud-public", "subnet0", "198.18.0.0/24"),
            ("subnet-broadcast", "subnet0", "255.255.255.0/24"),
        ];
        foreach (var (id, slot, value) in reserved)
        {
            cases.Add(Case($"range-reserved-{id}", [(slot, value)], 3, $"{slot} in a reserved range: {value} (issue 10 item 5)"));
        }
        (string Id, string Slot, string Value)[] malformed =
        [
            ("subnet-host-bits", "subnet0", "10.11.0.1/24"),
            ("subnet-prefix-33", "subnet0", "10.11.0.0/33"),
            ("subnet-ipv6", "subnet0", "fd00::/64"),
            ("subnet-octal", "subnet0", "010.011.0.0/24"),
            ("subnet-no-prefix", "subnet0", "10.11.0.0"),
            ("subnet-overlaps-other", "subnet0", "10.12.0.0/24"),
            ("subnet-overlaps-overlay", "subnet0", "10.99.0.0/24"),
            ("subnet-tiny", "subnet0", "10.11.0.0/30"),
            ("overlay-too-small", "overlayCidr", "10.99.0.0/31"),
            ("overlay-everything", "overlayCidr", "0.0.0.0/0"),
            ("overlay-covers-sites", "overlayCidr", "10.0.0.0/8"),
        ];
        foreach (var (id, slot, value) in malformed)
        {
            cases.Add(Case($"range-{id}", [(slot, value)], 3, $"{slot}: {value}"));
        }
        // Capacity: the planner used to refuse these after validate accepted them (issue 10 item 10).
        cases.Add(Case("capacity-300-workers-in-a-24", [("count", "300")], 3, "300 workers in a /24"));
        cases.Add(Case("capacity-6-nodes-in-a-29", [("subnet0", "10.11.0.0/29"), ("count", "1"), ("onDemand", "1")], 3, "6 nodes in a /29"));
        cases.Add(Case("capacity-245-workers-in-a-24", [("count", "243"), ("onDemand", "0")], 3, "245 workers and the master in a /24 that holds 244 nodes"));
    }

    private static void AddSizes(ImmutableArray<CorpusCase>.Builder cases)
    {
        cases.Add(Raw("size-20-sites-3-groups-20000", ManySites(20, 3, 10_000, 10_000), 3, "20 sites of 3 groups of 20,000 nodes (issue 10 item 9)"));
        cases.Add(Raw("size-250-sites", ManySites(250, 1, 1, 0), 3, "250 sites"));
        cases.Add(Raw("size-101-sites", ManySites(101, 1, 1, 0), 3, "101 sites"));
        cases.Add(Raw("size-101-groups", ManySites(1, 101, 1, 0), 3, "101 groups in one site"));
        cases.Add(Raw("size-65525-nodes-in-one-site", ManySites(1, 7, 10_000, 0), 3, "more than 65,524 nodes in one site"));
        cases.Add(Raw("size-20001-nodes", ManySites(1, 2, 10_000, 0), 3, "20,001 nodes"));
        cases.Add(Case("size-features-33", [("feature", string.Join(", ", Enumerable.Range(0, 33).Select(i => $"f{i}")))], 3, "33 features"));
        cases.Add(Case("size-shares-33", [("share1", string.Join(", ", Enumerable.Range(0, 32).Select(i => $"/vol/s{i}")))], 3, "33 shares"));
        cases.Add(Case("size-keys-101", [("key", string.Join(", ", Enumerable.Repeat(YamlText.Quote(ValidKey), 101)))], 3, "101 keys"));
        cases.Add(Raw("size-many-unknown-keys", Render([]) + string.Concat(Enumerable.Range(0, 5_000).Select(i => $"k{i}: {i}\n")), 3, "5,000 unknown keys"));
        cases.Add(Raw("size-largest-allowed", ManySites(100, 1, 199, 0), 0, "the largest cluster allowed: 20,000 nodes") with
        {
            RenderNodes = "big-master,big-s0-g0-001,big-s99-gw,big-s99-g0-199",
        });
    }

    private static void AddNesting(ImmutableArray<CorpusCase>.Builder cases)
    {
        foreach (var depth in new[] { 64, 1_000 })
        {
            cases.Add(Case($"nesting-list-{depth}", [("share0", new string('[', depth) + "/home" + new string(']', depth))], 3, $"a share nested in {depth} lists"));
            cases.Add(Raw($"nesting-map-{depth}", Render([]) + "extra: " + string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth) + "\n", 3,
                $"an unknown key holding {depth} nested mappings"));
        }
        // Deep enough to overflow a recursive reader's stack (issue 10 item 8): only in a child process.
        cases.Add(Case("nesting-list-50000", [("share0", new string('[', 50_000) + new string(']', 50_000))], 3, "50,000 nested lists") with { ChildProcessOnly = true });
        cases.Add(Raw("nesting-unclosed-100000", Render([]) + "x: " + new string('[', 100_000) + "\n", 3, "100,000 unclosed lists") with { ChildProcessOnly = true });
    }

    private static void AddAccepted(ImmutableArray<CorpusCase>.Builder cases)
    {
        (string Id, (string Slot, string Value)[] Changes, string Why)[] accepted =
        [
            ("accept-quoted-values", [("name", "\"demo\""), ("site0", "'berlin'"), ("share0", "\"/home\"")], "quoted scalars"),
            ("accept-one-letter-names", [("name", "d"), ("site0", "b"), ("site1", "h"), ("group0", "c")], "one-letter names"),
            ("accept-digit-names", [("name", "0"), ("site0", "1"), ("group0", "2")], "names of digits"),
            ("accept-hyphenated-names", [("name", "my-demo-1"), ("site0", "eu-west-1"), ("group0", "gpu-a100")], "hyphenated names"),
            ("accept-longest-worker-names", [("name", new string('c', 20)), ("site0", new string('b', 20)), ("group0", new string('g', 17))], "worker names of 63 characters"),
            ("accept-safe-share-characters", [("share0", "/vol/a.b_c-d+e"), ("share1", "/srv/x")], "shares of every safe character"),
            ("accept-safe-feature-characters", [("feature", "a.b_C-9")], "features of every allowed character"),
            ("accept-underscore-user", [("user", "_gs-user_1")], "a user with underscores and hyphens"),
            ("accept-max-mtu", [("mtu", "9000")], "the largest MTU"),
            ("accept-min-mtu", [("mtu", "1280")], "the smallest MTU"),
            ("accept-compute-master", [("compute", "true")], "a master that runs jobs"),
            ("accept-no-always-on", [("count", "0"), ("onDemand", "1")], "only on-demand workers"),
            ("accept-full-24", [("count", "242"), ("onDemand", "0")], "a /24 filled to its last address"),
            ("accept-16-subnet", [("subnet0", "10.0.0.0/16"), ("subnet1", "10.1.0.0/24"), ("count", "300"), ("onDemand", "0")], "300 workers in a /16"),
            ("accept-other-overlay", [("overlayCidr", "172.16.0.0/29")], "a /29 overlay for two VPN nodes"),
            ("accept-private-192", [("subnet0", "192.168.1.0/24"), ("subnet1", "192.168.2.0/24")], "192.168 subnets"),
            ("accept-slurm-extremes", [("suspendTime", "30"), ("resumeTimeout", "86400")], "the extreme Slurm times"),
            ("accept-no-keys", [("key", "")], "no public key"),
            ("accept-other-flavors", [("masterFlavor", "tiny"), ("groupFlavor", "medium"), ("gatewayFlavor", "large")], "every local flavor"),
        ];
        foreach (var (id, changes, why) in accepted)
        {
            cases.Add(Case(id, changes, 0, why));
        }
        var valid = Render([]);
        cases.Add(Raw("accept-comments-with-metacharacters", "# $(touch /tmp/x); `id` | rm -rf / # %n\n" + valid.Replace("\n", "  # ';\"$(id)`\n", StringComparison.Ordinal), 0,
            "shell metacharacters in comments only"));
        cases.Add(Raw("accept-block-style", BlockStyle(), 0, "block style instead of flow style"));
        cases.Add(Raw("accept-folded-name", valid.Replace("name: demo\n", "name: >-\n  demo\n", StringComparison.Ordinal), 0, "a folded scalar without its final newline"));
        cases.Add(Raw("reject-anchor-alias", valid.Replace("image: debian-12, compute", "image: &img debian-12, compute", StringComparison.Ordinal)
            .Replace("gateway: { flavor: small, image: debian-12 }", "gateway: { flavor: small, image: *img }", StringComparison.Ordinal), 3, "aliases are refused"));
        cases.Add(Raw("accept-single-site", """
            name: solo
            sites:
              - name: here
                provider: local
                master: { flavor: small, compute: true }

            """, 0, "one site, the master computing"));
        cases.Add(Raw("accept-three-sites", valid.Replace("overlay:", """
              - name: paris
                provider: local
                gateway: { flavor: small }
                workers:
                  - { name: cpu, flavor: small, count: 1 }
            overlay:
            """, StringComparison.Ordinal), 0, "a third site without a subnet"));
        cases.Add(Raw("reject-folded-name-with-newline", valid.Replace("name: demo\n", "name: |\n  demo\n", StringComparison.Ordinal), 3,
            "a literal block: the name ends with a newline (issue 10 item 2)"));
    }

    private static string BillionLaughs()
    {
        var text = new StringBuilder("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"x{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }
        return text.ToString();
    }

    private static string BlockStyle() => """
        name: demo
        ssh:
          user: root
        sites:
          - name: berlin
            provider: local
            local:
              subnet: 10.11.0.0/24
            master:
              flavor: small
            workers:
              - name: cpu
                flavor: small
                count: 1
                features:
                  - highmem
          - name: hamburg
            provider: local
            gateway:
              flavor: small
            workers:
              - name: cpu
                flavor: small
                onDemand: 3
        storage:
          shares:
            - /home

        """;

    /// <summary>A cluster "big" of <paramref name="sites"/> local sites without subnets, each with groups g0... of the given sizes.</summary>
    public static string ManySites(int sites, int groups, int count, int onDemand)
    {
        var text = new StringBuilder("name: big\nsites:\n");
        for (var s = 0; s < sites; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - name: s{s}\n    provider: local\n");
            text.Append(s == 0 ? "    master: { flavor: small }\n" : "    gateway: { flavor: small }\n");
            text.Append("    workers:\n");
            for (var g = 0; g < groups; g++)
            {
                text.Append(CultureInfo.InvariantCulture, $"      - {{ name: g{g}, flavor: small, count: {count}, onDemand: {onDemand} }}\n");
            }
        }
        return text.ToString();
    }

    private static string Unquoted(string slot) => Defaults[slot].Trim('"');

    private static string Render(IEnumerable<(string Slot, string Value)> changes)
    {
        var values = Defaults.SetItems(changes.Select(c => KeyValuePair.Create(c.Slot, c.Value)));
        var text = Template;
        foreach (var (slot, value) in values)
        {
            text = text.Replace("{" + slot + "}", value, StringComparison.Ordinal);
        }
        return text;
    }

    private static string RemoveLineStartingWith(string text, string prefix) =>
        string.Join('\n', text.Split('\n').Where(line => !line.StartsWith(prefix, StringComparison.Ordinal)));

    private static CorpusCase Case(string id, (string Slot, string Value)[] changes, int expectedExit, string why) =>
        new($"generated/{id}", Render(changes), expectedExit, why);

    private static CorpusCase Raw(string id, string yaml, int expectedExit, string why) => new($"generated/{id}", yaml, expectedExit, why);
}
