namespace GridSpan.Core.Tests.Config;

/// <summary>ssh.user and ssh.sudo: an ordinary cluster user gets sudo only when the file says so.</summary>
public sealed class ClusterUserTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void An_ordinary_cluster_user_gets_no_sudo_unless_the_file_asks_for_it()
    {
        var plain = _files.LoadValid("ssh: { user: alice }\n" + ConfigTestFiles.Minimal);
        var trusted = _files.LoadValid("ssh: { user: alice, sudo: true }\n" + ConfigTestFiles.Minimal);

        Assert.Equal(("alice", false), (plain.Ssh.User, plain.Ssh.Sudo));
        Assert.Equal(("alice", true), (trusted.Ssh.User, trusted.Ssh.Sudo));
        Assert.False(TestSpecs.Plan(plain).UserSudo);
        Assert.True(TestSpecs.Plan(trusted).UserSudo);
    }

    [Fact]
    public void Sudo_for_root_is_refused_at_its_position()
    {
        var error = _files.LoadOneError("ssh: { user: root, sudo: true }\n" + ConfigTestFiles.Minimal);

        Assert.Equal("ssh.sudo", error.KeyPath);
        Assert.Equal((1, 26), (error.Location.Line, error.Location.Column));
        Assert.Equal("the cluster user is root, who needs no sudo", error.Problem);
    }

    [Fact]
    public void Sudo_must_be_a_boolean()
    {
        var error = _files.LoadOneError("ssh: { user: alice, sudo: yes-please }\n" + ConfigTestFiles.Minimal);

        Assert.Equal("ssh.sudo", error.KeyPath);
    }

    [Theory]
    [InlineData("slurm")]
    [InlineData("munge")]
    [InlineData("gridspan")]
    [InlineData("gridspan-storage")]
    [InlineData("nobody")]
    public void A_cluster_user_named_like_a_system_or_gridspan_account_is_refused(string user)
    {
        var error = _files.LoadOneError($"ssh: {{ user: {user} }}\n" + ConfigTestFiles.Minimal);

        Assert.Equal("ssh.user", error.KeyPath);
        Assert.Contains("account of the nodes' system or of GridSpan itself", error.Problem, StringComparison.Ordinal);
    }
}
