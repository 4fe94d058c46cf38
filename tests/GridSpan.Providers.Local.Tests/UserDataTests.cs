using GridSpan.Common;
using GridSpan.Providers.Local.Nodes;

namespace GridSpan.Providers.Local.Tests;

public sealed class UserDataTests
{
    [Fact]
    public void The_supported_cloud_config_keys_become_first_boot_scripts()
    {
        var data = UserData.Parse("""
            #cloud-config
            hostname: worker-1
            ssh_authorized_keys: [ssh-ed25519 AAAA test]
            write_files:
              - path: /etc/gridspan/role
                content: worker
                permissions: '0600'
            runcmd:
              - echo one
              - [touch, /tmp/it's here]
            """);

        Assert.Equal("worker-1", data.Hostname);
        Assert.Equal("ssh-ed25519 AAAA test", Assert.Single(data.AuthorizedKeys));
        Assert.Contains("chmod 0600 /etc/gridspan/role\n", data.FilesScript(), StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String("worker"u8.ToArray()), data.FilesScript(), StringComparison.Ordinal);
        Assert.Equal("set -e\necho one\ntouch '/tmp/it'\\''s here'\n", data.CommandsScript());
    }

    [Fact]
    public void An_unsupported_key_is_refused_with_the_list_of_supported_ones()
    {
        var failure = Assert.Throws<GridSpanException>(() => UserData.Parse("#cloud-config\npackages: [vim]\n"));

        Assert.Contains("'packages' is not supported", failure.Message, StringComparison.Ordinal);
        Assert.Contains("write_files", failure.Message, StringComparison.Ordinal);
    }
}
