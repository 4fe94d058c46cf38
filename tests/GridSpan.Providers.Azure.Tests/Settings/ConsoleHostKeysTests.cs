using GridSpan.Providers.Azure.Selection;

namespace GridSpan.Providers.Azure.Tests.Settings;

public sealed class ConsoleHostKeysTests
{
    private const string Block =
        "<14>Dec  2 18:40:01 ec2: -----BEGIN SSH HOST KEY KEYS-----\n" +
        "<14>Dec  2 18:40:01 ec2: ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= root@m\n" +
        "<14>Dec  2 18:40:01 ec2: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnly root@m\n" +
        "<14>Dec  2 18:40:01 ec2: -----END SSH HOST KEY KEYS-----\n";

    [Fact]
    public void The_keys_cloud_init_prints_are_read_without_prefix_or_comment()
    {
        Assert.Equal(["ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY=", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnly"],
            ConsoleHostKeys.Parse("boot noise\n" + Block + "login: ").ToArray());
    }

    [Fact]
    public void The_last_block_wins_when_the_vm_booted_again()
    {
        var later = Block.Replace("AAAAC3NzaC1lZDI1NTE5AAAAIOnly", "AAAAC3NzaC1lZDI1NTE5AAAAILater", StringComparison.Ordinal);

        Assert.Contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILater", ConsoleHostKeys.Parse(Block + later));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<14>Dec  2 18:40:01 ec2: -----BEGIN SSH HOST KEY KEYS-----\n<14>Dec  2 ec2: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnly root@m\n")]
    public void A_log_without_a_complete_block_has_no_keys_yet(string? log)
    {
        Assert.Empty(ConsoleHostKeys.Parse(log));
    }
}
