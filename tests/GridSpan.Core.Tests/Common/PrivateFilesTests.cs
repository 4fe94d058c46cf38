using System.Runtime.Versioning;
using GridSpan.Common;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Common;

/// <summary>Secrets and state are written exclusively under random names and trusted on load only when they are this user's and private.</summary>
[SupportedOSPlatform("linux")]
public sealed class PrivateFilesTests : IDisposable
{
    private const int Nobody = 65534;
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("gridspan-private-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string In(string name) => Path.Combine(_temp.FullName, name);

    private static ClusterSecrets Secrets() => new SecretGenerator(SystemRandomSource.Instance).Generate(TestSpecs.Plan(TestSpecs.TwoSites()));

    [Fact]
    public void Saving_secrets_never_follows_a_planted_temporary_file_and_leaves_only_the_secrets_file()
    {
        var state = Directory.CreateDirectory(In("state")).FullName;
        File.WriteAllText(In("victim"), "untouched");
        File.CreateSymbolicLink(Path.Combine(state, "secrets.json.tmp"), In("victim"));

        SecretStore.Save(state, Secrets());

        Assert.Equal("untouched", File.ReadAllText(In("victim")));
        Assert.Equal(["secrets.json", "secrets.json.tmp"], Directory.GetFileSystemEntries(state).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.NotNull(SecretStore.Load(state));
    }

    [Fact]
    public void A_secrets_file_owned_by_another_user_is_refused()
    {
        var state = In("state");
        SecretStore.Save(state, Secrets());
        if (PrivateFiles.EffectiveUserId() != 0)
        {
            return; // only root can give a file away; the suite runs as root
        }
        File.SetUnixFileMode(SecretStore.PathIn(state), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Chown(SecretStore.PathIn(state), Nobody);

        var refused = Assert.Throws<GridSpanException>(() => SecretStore.Load(state));
        Assert.Contains("belongs to user id 65534", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secrets_file_readable_by_others_or_a_symlink_is_refused()
    {
        var state = In("state");
        SecretStore.Save(state, Secrets());
        File.SetUnixFileMode(SecretStore.PathIn(state), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Contains("read or written by other users", Assert.Throws<GridSpanException>(() => SecretStore.Load(state)).Message, StringComparison.Ordinal);

        File.SetUnixFileMode(SecretStore.PathIn(state), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(SecretStore.PathIn(state), In("elsewhere.json"));
        File.CreateSymbolicLink(SecretStore.PathIn(state), In("elsewhere.json"));
        Assert.Contains("not a regular file", Assert.Throws<GridSpanException>(() => SecretStore.Load(state)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_file_is_never_created_through_a_symlink()
    {
        File.WriteAllText(In("victim"), "untouched");
        File.CreateSymbolicLink(In("link"), In("victim"));

        Assert.ThrowsAny<IOException>(() => PrivateFiles.CreateNew(In("link"), UnixFileMode.UserRead | UnixFileMode.UserWrite).Dispose());
        Assert.Equal("untouched", File.ReadAllText(In("victim")));
    }

    [Fact]
    public void Private_directories_are_new_0700_and_unguessable()
    {
        var first = PrivateFiles.CreateDirectory(_temp.FullName, "x-");
        var second = PrivateFiles.CreateDirectory(_temp.FullName, "x-");

        Assert.NotEqual(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(first));
        Assert.True(PrivateFiles.IsPrivateDirectory(first));
        Assert.True(PrivateFiles.IsPrivateDirectory(PrivateFiles.RuntimeDirectory(null)));
    }

    [Fact]
    public void The_runtime_directory_the_environment_names_is_used_only_when_it_is_private()
    {
        var runtime = PrivateFiles.CreateDirectory(_temp.FullName, "run-");
        var open = In("open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);

        Assert.Equal(runtime, PrivateFiles.RuntimeDirectory(runtime));
        Assert.Equal(PrivateFiles.RuntimeDirectory(null), PrivateFiles.RuntimeDirectory(open));
        Assert.Equal(PrivateFiles.RuntimeDirectory(null), PrivateFiles.RuntimeDirectory(In("missing")));
        Assert.NotEqual(runtime, PrivateFiles.RuntimeDirectory(null));
    }

    [Fact]
    public void A_directory_is_made_private_and_one_of_ours_left_open_is_narrowed()
    {
        var made = In("made/deeper");
        PrivateFiles.EnsureDirectory(made, "the test directory");
        Assert.True(PrivateFiles.IsPrivateDirectory(made));

        var open = Directory.CreateDirectory(In("open")).FullName;
        File.SetUnixFileMode(open, (UnixFileMode)0b111_101_101);
        PrivateFiles.EnsureDirectory(open, "the test directory");
        Assert.True(PrivateFiles.IsPrivateDirectory(open));
    }

    [Fact]
    public void A_symlink_where_a_private_directory_belongs_is_refused_and_its_target_left_alone()
    {
        var victim = Directory.CreateDirectory(In("victim")).FullName;
        File.SetUnixFileMode(victim, (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(In("control"), victim);

        var failure = Assert.Throws<GridSpanException>(() => PrivateFiles.EnsureDirectory(In("control"), "the SSH control directory"));

        Assert.Contains("is not a private directory of yours", failure.Message, StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(victim));
    }

    [Fact]
    public void Another_users_directory_is_refused()
    {
        if (PrivateFiles.EffectiveUserId() != 0)
        {
            return; // only root can give a directory away
        }
        var theirs = Directory.CreateDirectory(In("theirs")).FullName;
        File.SetUnixFileMode(theirs, (UnixFileMode)0b111_000_000);
        Chown(theirs, Nobody);

        Assert.Throws<GridSpanException>(() => PrivateFiles.EnsureDirectory(theirs, "the SSH control directory"));
    }

    private static void Chown(string path, int user) => Tool.Run("chown", [user.ToString(System.Globalization.CultureInfo.InvariantCulture), path], "");
}
