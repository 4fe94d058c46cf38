using GridSpan.Config;

namespace GridSpan.Core.Tests.Config;

public sealed class PublicKeyTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string WithKeys(string keys) => $"ssh: {{ publicKeys: [{keys}] }}\n" + ConfigTestFiles.Minimal;

    [Fact]
    public void A_path_relative_to_the_config_files_directory_is_read()
    {
        _files.Write("keys/admin.pub", ConfigTestFiles.Ed25519Key + "\n");

        var spec = _files.LoadValid(WithKeys("keys/admin.pub"));

        Assert.Equal<string>([ConfigTestFiles.Ed25519Key], spec.Ssh.PublicKeys);
    }

    [Fact]
    public void A_tilde_path_is_read_from_the_home_directory()
    {
        _files.Write("home/.ssh/id_ed25519.pub", ConfigTestFiles.Ed25519Key + "\n");

        var spec = _files.LoadValid(WithKeys("~/.ssh/id_ed25519.pub"));

        Assert.Equal<string>([ConfigTestFiles.Ed25519Key], spec.Ssh.PublicKeys);
    }

    [Fact]
    public void An_absolute_path_is_read_as_is()
    {
        var path = _files.Write("elsewhere/key.pub", ConfigTestFiles.RsaKey + "\n");

        var spec = _files.LoadValid(WithKeys($"'{path}'"));

        Assert.Equal<string>([ConfigTestFiles.RsaKey], spec.Ssh.PublicKeys);
    }

    [Fact]
    public void A_key_line_may_be_given_instead_of_a_path()
    {
        var spec = _files.LoadValid(WithKeys($"'{ConfigTestFiles.RsaKey}'"));

        Assert.Equal<string>([ConfigTestFiles.RsaKey], spec.Ssh.PublicKeys);
    }

    [Fact]
    public void Every_key_of_a_file_is_taken_and_duplicates_are_dropped()
    {
        _files.Write("team.pub", $"# the team\n{ConfigTestFiles.Ed25519Key}\n\n{ConfigTestFiles.RsaKey}\n");
        _files.Write("alice.pub", ConfigTestFiles.Ed25519Key);

        var spec = _files.LoadValid(WithKeys("team.pub, alice.pub"));

        Assert.Equal<string>([ConfigTestFiles.Ed25519Key, ConfigTestFiles.RsaKey], spec.Ssh.PublicKeys);
    }

    [Fact]
    public void A_missing_key_file_is_an_error_naming_where_it_was_looked_for()
    {
        var error = _files.LoadOneError(WithKeys("keys/none.pub"));

        Assert.Equal("ssh.publicKeys[0]", error.KeyPath);
        Assert.Equal((1, 21), (error.Location.Line, error.Location.Column));
        Assert.Equal($"cannot read the public key file 'keys/none.pub' ({Path.Combine(_files.Directory, "keys/none.pub")}): there is no such file", error.Problem);
        Assert.Contains("ssh-keygen -t ed25519", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_is_refused_without_quoting_it()
    {
        const string secret = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
        _files.Write("id_ed25519", $"-----BEGIN OPENSSH PRIVATE KEY-----\n{secret}\n-----END OPENSSH PRIVATE KEY-----\n");

        var error = _files.LoadOneError(WithKeys("id_ed25519"));

        Assert.Equal("'id_ed25519' is a private key", error.Problem);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("ssh-ed25519 not-base64!")]
    [InlineData("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f mismatched-type")]
    public void A_file_that_holds_no_openssh_key_is_an_error(string content)
    {
        _files.Write("odd.pub", content + "\n");

        var error = _files.LoadOneError(WithKeys("odd.pub"));

        Assert.Equal("key 1 of 'odd.pub' is not an OpenSSH public key (expected 'ssh-ed25519 AAAA... comment' or another OpenSSH key type)", error.Problem);
    }

    [Fact]
    public void An_empty_key_file_is_an_error()
    {
        _files.Write("empty.pub", "\n# nothing\n");

        var error = _files.LoadOneError(WithKeys("empty.pub"));

        Assert.StartsWith("the public key file 'empty.pub'", error.Problem, StringComparison.Ordinal);
        Assert.EndsWith("holds no key", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_bad_key_entry_gets_its_own_error()
    {
        var errors = _files.LoadErrors(WithKeys("a.pub, b.pub"));

        Assert.Equal(["ssh.publicKeys[0]", "ssh.publicKeys[1]"], errors.Select(e => e.KeyPath));
    }

    [Fact]
    public void A_device_is_refused_without_reading_it()
    {
        var error = LoadOneErrorWithin(WithKeys("/dev/zero"));

        Assert.Equal("ssh.publicKeys[0]", error.KeyPath);
        Assert.Equal((1, 21), (error.Location.Line, error.Location.Column));
        Assert.Equal("cannot read the public key file '/dev/zero' (/dev/zero): it is not a regular file (a device, FIFO or socket)", error.Problem);
    }

    [Fact]
    public void A_fifo_is_refused_without_waiting_for_a_writer()
    {
        var fifo = Path.Combine(_files.Directory, "key.pub");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var error = LoadOneErrorWithin(WithKeys("key.pub"));

        Assert.EndsWith("it is not a regular file (a device, FIFO or socket)", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_is_refused()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(_files.Directory, "keys"));

        var error = LoadOneErrorWithin(WithKeys("keys"));

        Assert.EndsWith("it is a directory, not a file", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_64_KiB_is_refused_and_one_of_64_KiB_is_read()
    {
        var line = ConfigTestFiles.Ed25519Key + "\n";
        var padding = new string('#', (64 * 1024) - line.Length - 1) + "\n";
        _files.Write("exact.pub", padding + line);
        _files.Write("big.pub", "#" + padding + line);

        Assert.Equal<string>([ConfigTestFiles.Ed25519Key], _files.LoadValid(WithKeys("exact.pub")).Ssh.PublicKeys);
        var error = LoadOneErrorWithin(WithKeys("big.pub"));
        Assert.EndsWith("it is larger than 64 KiB (65,537 bytes)", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_with_a_nul_character_is_an_error_not_an_exception()
    {
        var error = LoadOneErrorWithin(WithKeys("\"keys/a\\0b.pub\""));

        Assert.Equal("ssh.publicKeys[0]", error.KeyPath);
        Assert.Equal((1, 21), (error.Location.Line, error.Location.Column));
        Assert.EndsWith("the path holds a NUL character", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\\ncommand=\\\"sh\\\" ssh-ed25519 AAAA x")]
    [InlineData("\\rcommand=\\\"sh\\\"")]
    [InlineData("\\u2028second line")]
    [InlineData("\\e[2Jclear")]
    [InlineData("a\\tb")]
    public void An_inline_key_whose_comment_holds_a_control_character_is_refused(string escapedTail)
    {
        var error = _files.LoadOneError(WithKeys($"\"{ConfigTestFiles.Ed25519Key}{escapedTail}\""));

        Assert.Equal("ssh.publicKeys[0]", error.KeyPath);
        Assert.Equal((1, 21), (error.Location.Line, error.Location.Column));
        Assert.Equal("the comment of this key line holds a line break or another control character", error.Problem);
    }

    [Fact]
    public void A_line_break_inside_the_base64_blob_is_refused()
    {
        var key = ConfigTestFiles.Ed25519Key.Insert("ssh-ed25519 AAAA".Length, "\\n");

        var error = _files.LoadOneError(WithKeys($"\"{key}\""));

        Assert.StartsWith("this key line is not an OpenSSH public key", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_written_back_canonically_one_line_each()
    {
        var parts = ConfigTestFiles.Ed25519Key.Split(' ');
        _files.Write("spaced.pub", $"  {parts[0]}\t  {parts[1]}   {parts[2]}  \r\n{ConfigTestFiles.RsaKey.Replace(" bob@desk", "", StringComparison.Ordinal)}\n");

        var spec = _files.LoadValid(WithKeys("spaced.pub"));

        Assert.Equal<string>([ConfigTestFiles.Ed25519Key, ConfigTestFiles.RsaKey.Replace(" bob@desk", "", StringComparison.Ordinal)], spec.Ssh.PublicKeys);
        Assert.All(spec.Ssh.PublicKeys, k => Assert.DoesNotContain(k, c => char.IsControl(c)));
    }

    [Fact]
    public void A_key_file_line_with_options_is_refused()
    {
        _files.Write("options.pub", $"command=\"/bin/sh\" {ConfigTestFiles.Ed25519Key}\n");

        var error = _files.LoadOneError(WithKeys("options.pub"));

        Assert.StartsWith("key 1 of 'options.pub' is not an OpenSSH public key", error.Problem, StringComparison.Ordinal);
    }

    /// <summary>A reader that blocks (a FIFO) fails the test instead of hanging it.</summary>
    private ConfigError LoadOneErrorWithin(string yaml)
    {
        var load = Task.Run(() => _files.LoadOneError(yaml));
        Assert.True(load.Wait(TimeSpan.FromSeconds(5)), "loading took more than 5 s");
        return load.Result;
    }
}
