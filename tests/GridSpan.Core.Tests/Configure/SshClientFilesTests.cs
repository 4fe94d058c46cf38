using GridSpan.Common;
using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

public sealed class SshClientFilesTests
{
    private const string MasterKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ5c2hvc3RrZXlmb3J0aGVtYXN0ZXJub2RlMDEyMzQ1 root@master";
    private const string WorkerKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdvcmtlcmhvc3RrZXlmb3J0aGV3b3JrZXJub2RlMDEy";

    private static readonly SshTransportOptions Options = new("/var/lib/gridspan/clusters/demo/id_ed25519", "/var/lib/gridspan/clusters/demo/ssh", "/var/lib/gridspan/clusters/demo/ssh/cm");

    [Fact]
    public void The_client_config_pins_keys_per_node_and_routes_private_nodes_through_the_master()
    {
        var master = SshTarget.Direct("demo-master", "198.18.0.100", [MasterKey]);
        var worker = SshTarget.Direct("demo-hamburg-cpu-001", "10.1.0.11", [WorkerKey]).Via(master);

        var config = SshClientFiles.RenderConfig(Options, "/var/lib/gridspan/clusters/demo/ssh/known_hosts", [worker, master]);
        var knownHosts = SshClientFiles.RenderKnownHosts([worker, master]);

        Snapshot.Match("Configure/ssh_config.txt", config);
        Snapshot.Match("Configure/known_hosts.txt", knownHosts);
    }

    [Fact]
    public void Nothing_in_the_config_accepts_an_unknown_key()
    {
        var config = SshClientFiles.RenderConfig(Options, "/k", [SshTarget.Direct("n", "10.0.0.1", [MasterKey])]);

        Assert.Contains("StrictHostKeyChecking yes", config, StringComparison.Ordinal);
        Assert.DoesNotContain("accept-new", config, StringComparison.Ordinal);
        Assert.DoesNotContain("StrictHostKeyChecking no", config, StringComparison.Ordinal);
        Assert.Contains("GlobalKnownHostsFile /dev/null", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Socket_names_have_a_fixed_length_whatever_the_node_name()
    {
        Assert.Equal(16, SshClientFiles.ControlSocketName("a").Length);
        Assert.Equal(16, SshClientFiles.ControlSocketName(new string('n', 63)).Length);
        Assert.NotEqual(SshClientFiles.ControlSocketName("a"), SshClientFiles.ControlSocketName("b"));
    }

    [Fact]
    public void A_long_cluster_directory_gets_sockets_in_a_short_one()
    {
        var options = SshTransportOptions.ForCluster("/home/someone/" + new string('x', 80) + "/clusters/demo", "/k", null);

        Assert.StartsWith(PrivateFiles.RuntimeDirectory(null) + "/cm-", options.ControlDirectory, StringComparison.Ordinal);
        Assert.True(options.ControlDirectory.Length + 1 + 16 + 17 <= 107);
    }

    [Theory]
    [InlineData("node*", "cannot be used as an SSH host name")]
    [InlineData("-oProxyCommand=x", "cannot be used as an SSH host name")]
    [InlineData("node 1", "cannot be used as an SSH host name")]
    public void A_node_name_that_ssh_config_would_read_as_a_pattern_or_option_is_refused(string name, string message)
    {
        var failure = Assert.Throws<GridSpanException>(() => SshClientFiles.EnsureValid(SshTarget.Direct(name, "10.0.0.1", [MasterKey])));

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1\n  ProxyCommand evil")]
    [InlineData("-oProxyCommand=evil")]
    [InlineData("")]
    public void An_address_that_is_not_a_host_is_refused(string address)
    {
        var target = new SshTarget("node", address, "root", 22, null, [SshHostKey.Parse(MasterKey, "node")]);

        Assert.Throws<GridSpanException>(() => SshClientFiles.EnsureValid(target));
    }

    [Theory]
    [InlineData("ssh-ed25519")]
    [InlineData("ssh-ed25519 not-base64!")]
    [InlineData("ssh-dss AAAAB3NzaC1kc3MAAACBAP")]
    [InlineData("")]
    public void A_host_key_that_is_not_an_openssh_public_key_is_refused_with_the_node_named(string line)
    {
        var failure = Assert.Throws<GridSpanException>(() => SshHostKey.Parse(line, "demo-master"));

        Assert.Contains("node 'demo-master'", failure.Message, StringComparison.Ordinal);
    }
}
