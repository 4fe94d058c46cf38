using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Secrets;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretTests
{
    private static readonly ClusterPlan Plan = TestSpecs.Plan(TestSpecs.TwoSites());

    [Fact]
    public void Every_vpn_node_and_every_node_get_their_own_keys()
    {
        var secrets = new SecretGenerator(SystemRandomSource.Instance).Generate(Plan);
        Assert.Equal(["demo-hamburg-gw", "demo-master"], secrets.WireGuard.Keys);
        Assert.Equal(Plan.Nodes.Length, secrets.HostKeys.Count);
        Assert.Equal(secrets.WireGuard.Count, secrets.WireGuard.Values.Select(k => k.PrivateKey).Distinct().Count());
        Assert.Equal(secrets.HostKeys.Count, secrets.HostKeys.Values.Select(k => k.PrivateKey).Distinct().Count());
        Assert.Equal(1024, Convert.FromBase64String(secrets.Munge.Value.Trim()).Length);
    }

    [Fact]
    public void Throwaway_secrets_for_some_nodes_key_only_those_and_render_only_those()
    {
        var secrets = new SecretGenerator(SystemRandomSource.Instance).GenerateFor(Plan, new HashSet<string>(["demo-master"], StringComparer.Ordinal));
        Assert.Equal(["demo-master"], secrets.HostKeys.Keys);
        Assert.Equal(["demo-master"], secrets.HostCertificates!.Keys);
        Assert.Equal(["demo-hamburg-gw", "demo-master"], secrets.WireGuard.Keys);

        var renderer = new GridSpan.Render.ClusterRenderer(Plan, secrets, GridSpan.Render.ClusterFacts.None, _ => GridSpan.Render.RenderOptions.DebianVm);
        Assert.Equal("demo-master", renderer.Render("demo-master").Bundle.NodeName);
        var failure = Assert.Throws<GridSpanException>(() => renderer.Render("demo-hamburg-gw"));
        Assert.Contains("have no keys for demo-hamburg-gw", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wireguard_keys_are_what_wg_derives_from_the_private_key()
    {
        var generator = new SecretGenerator(SystemRandomSource.Instance);
        for (var i = 0; i < 3; i++)
        {
            var pair = generator.WireGuardKey();
            Assert.Equal(pair.PublicKey, Tool.Run("wg", ["pubkey"], pair.PrivateKey + "\n").Trim());
        }
    }

    [Fact]
    public void Ssh_keys_are_read_by_ssh_keygen_which_derives_the_same_public_key()
    {
        var pair = new SecretGenerator(SystemRandomSource.Instance).SshKey("root@demo-master");
        var directory = Directory.CreateTempSubdirectory("gridspan-ssh-");
        try
        {
            var path = Path.Combine(directory.FullName, "id_ed25519");
            File.WriteAllText(path, pair.PrivateKey);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var derived = Tool.Run("ssh-keygen", ["-y", "-f", path], "").Trim();
            Assert.Equal(SplitKey(pair.PublicKey), SplitKey(derived));
            Assert.EndsWith("root@demo-master", pair.PublicKey, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Host_certificates_are_what_ssh_keygen_reads_as_host_certificates_of_the_nodes_names_from_the_cluster_authority()
    {
        var secrets = new SecretGenerator(SystemRandomSource.Instance).Generate(Plan);
        var directory = Directory.CreateTempSubdirectory("gridspan-cert-");
        try
        {
            string Write(string name, string content)
            {
                var path = Path.Combine(directory.FullName, name);
                File.WriteAllText(path, content);
                return path;
            }
            string Fingerprint(string publicKey) => Tool.Run("ssh-keygen", ["-l", "-f", Write("key.pub", publicKey + "\n")], "").Split(' ')[1];
            var authority = Fingerprint(secrets.HostCertificateAuthority.PublicKey);
            Assert.Equal(Plan.Nodes.Length, secrets.HostCertificates.Count);
            foreach (var node in new[] { "demo-master", "demo-hamburg-cpu-005" })
            {
                var shown = Tool.Run("ssh-keygen", ["-L", "-f", Write("host-cert.pub", secrets.HostCertificates[node] + "\n")], "");
                Assert.Contains("Type: ssh-ed25519-cert-v01@openssh.com host certificate", shown, StringComparison.Ordinal);
                Assert.Contains($"Public key: ED25519-CERT {Fingerprint(secrets.HostKeys[node].PublicKey)}", shown, StringComparison.Ordinal);
                Assert.Contains($"Signing CA: ED25519 {authority} (using ssh-ed25519)", shown, StringComparison.Ordinal);
                Assert.Contains($"Key ID: \"{node}\"", shown, StringComparison.Ordinal);
                Assert.Contains("Valid: forever", shown, StringComparison.Ordinal);
                var principals = shown.Split('\n').SkipWhile(l => !l.Contains("Principals:", StringComparison.Ordinal)).Skip(1)
                    .TakeWhile(l => !l.Contains("Critical Options:", StringComparison.Ordinal)).Select(l => l.Trim());
                Assert.Equal([node, $"{node}.demo.gridspan"], principals);
                Assert.Contains("Critical Options: (none)", shown, StringComparison.Ordinal);
                Assert.Contains("Extensions: (none)", shown, StringComparison.Ordinal);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Regenerating_keeps_the_authority_and_the_certificates_of_kept_keys_and_certifies_new_nodes()
    {
        var old = new SecretGenerator(new DeterministicRandomSource("old")).Generate(Plan);
        var grown = TestSpecs.Plan(TestSpecs.ThreeSites() with { Name = "demo" });
        var secrets = new SecretGenerator(new DeterministicRandomSource("new")).Generate(grown, old);
        Assert.Equal(old.HostCertificateAuthority, secrets.HostCertificateAuthority);
        Assert.Equal(old.HostCertificates["demo-master"], secrets.HostCertificates["demo-master"]);
        Assert.Equal(grown.Nodes.Select(n => n.Name).Order(StringComparer.Ordinal), secrets.HostCertificates.Keys);

        // Secrets saved before certificates existed get an authority, and every node a certificate.
        var before = old with { HostCertificateAuthority = null!, HostCertificates = null! };
        var upgraded = new SecretGenerator(new DeterministicRandomSource("upgrade")).Generate(Plan, before);
        Assert.Equal(old.HostKeys, upgraded.HostKeys);
        Assert.NotEqual(old.HostCertificateAuthority, upgraded.HostCertificateAuthority);
        Assert.Equal(Plan.Nodes.Length, upgraded.HostCertificates.Count);
    }

    [Fact]
    public void Secrets_that_cover_the_plan_exactly_are_kept_as_they_are_and_a_shrunk_plan_drops_the_keys_of_its_removed_nodes()
    {
        var grown = TestSpecs.Plan(TestSpecs.ThreeSites() with { Name = "demo" });
        var secrets = new SecretGenerator(new DeterministicRandomSource("full")).Generate(grown);

        Assert.Same(secrets, new SecretGenerator(new DeterministicRandomSource("again")).Generate(grown, secrets));

        var shrunk = new SecretGenerator(new DeterministicRandomSource("shrunk")).Generate(Plan, secrets);
        Assert.Equal(Plan.Nodes.Select(n => n.Name).Order(StringComparer.Ordinal), shrunk.HostKeys.Keys);
        Assert.Equal(Plan.Nodes.Select(n => n.Name).Order(StringComparer.Ordinal), shrunk.HostCertificates.Keys);
        Assert.Equal(Plan.Overlay.Members.Select(m => m.Node).Order(StringComparer.Ordinal), shrunk.WireGuard.Keys);
        Assert.Equal(secrets.HostKeys["demo-master"], shrunk.HostKeys["demo-master"]);
    }

    [Fact]
    public void No_secret_type_shows_its_value_in_to_string()
    {
        var secrets = new SecretGenerator(new DeterministicRandomSource("tostring")).Generate(Plan);
        var texts = new[]
        {
            secrets.ToString(), secrets.Munge.ToString(), secrets.ClusterSsh.ToString(), secrets.StorageSsh.ToString(),
            secrets.WireGuard["demo-master"].ToString(), secrets.HostKeys["demo-master"].ToString(),
        };
        foreach (var text in texts)
        {
            foreach (var value in secrets.SecretValues())
            {
                Assert.DoesNotContain(value.Trim(), text, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_same_random_source_gives_the_same_secrets()
    {
        var a = new SecretGenerator(new DeterministicRandomSource("same")).Generate(Plan);
        var b = new SecretGenerator(new DeterministicRandomSource("same")).Generate(Plan);
        Assert.Equal(a.SecretValues(), b.SecretValues());
    }

    [Fact]
    public void Regenerating_for_a_grown_cluster_keeps_existing_keys_and_adds_new_ones()
    {
        var old = new SecretGenerator(new DeterministicRandomSource("old")).Generate(Plan);
        var grown = TestSpecs.Plan(TestSpecs.ThreeSites() with { Name = "demo" });
        var secrets = new SecretGenerator(new DeterministicRandomSource("new")).Generate(grown, old);
        Assert.Equal(old.Munge, secrets.Munge);
        Assert.Equal(old.WireGuard["demo-master"], secrets.WireGuard["demo-master"]);
        Assert.Equal(old.ClusterSsh, secrets.ClusterSsh);
        Assert.Contains("demo-c-gw", secrets.WireGuard.Keys);
        Assert.DoesNotContain("demo-hamburg-gw", secrets.WireGuard.Keys);
    }

    [Fact]
    public void The_store_writes_an_owner_only_file_and_reads_it_back()
    {
        var secrets = new SecretGenerator(new DeterministicRandomSource("store")).Generate(Plan);
        var directory = Directory.CreateTempSubdirectory("gridspan-secrets-");
        try
        {
            var state = Path.Combine(directory.FullName, "state");
            Assert.Null(SecretStore.Load(state));
            SecretStore.Save(state, secrets);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretStore.PathIn(state)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state));
            var loaded = SecretStore.Load(state)!;
            Assert.Equal(secrets.SecretValues(), loaded.SecretValues());
            Assert.Equal(secrets.WireGuard["demo-master"].PublicKey, loaded.WireGuard["demo-master"].PublicKey);

            File.SetUnixFileMode(SecretStore.PathIn(state), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var error = Assert.Throws<GridSpanException>(() => SecretStore.Load(state));
            Assert.Contains("chmod 600", error.Fix, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_damaged_store_is_an_error_that_does_not_quote_the_file()
    {
        var directory = Directory.CreateTempSubdirectory("gridspan-secrets-");
        try
        {
            var path = SecretStore.PathIn(directory.FullName);
            File.WriteAllText(path, "{\"munge\": \"TOPSECRETVALUE");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var error = Assert.Throws<GridSpanException>(() => SecretStore.Load(directory.FullName));
            Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("TOPSECRETVALUE", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string SplitKey(string line) => string.Join(' ', line.Split(' ').Take(2));
}
