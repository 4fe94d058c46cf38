using System.Runtime.Versioning;
using GridSpan.Configure;
using GridSpan.Render;

namespace GridSpan.Core.Tests.Configure;

/// <summary>
/// The converger's account script, run for real (useradd, groupadd) against a copy of this
/// machine's /etc in a private mount namespace: the host's own accounts are never touched. Needs root.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class AccountScriptTests : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("gridspan-accounts-");

    private static readonly BundleAccount Alice = new("gs-test-alice", 2000, "/nonexistent/gs-test-alice", CreateHome: false);

    [Fact]
    public void A_missing_account_is_created_with_the_same_uid_and_gid_and_a_second_run_changes_nothing()
    {
        var script = NodeScripts.EnsureAccounts([Alice]);

        var output = InPrivateEtc($"sh -c '{Escape(script)}'; echo first=$?; getent passwd {Alice.Name}; getent group {Alice.Name}; " +
                                  $"sh -c '{Escape(script)}'; echo second=$?");

        Assert.Equal(
            [
                $"made\t{Alice.Name}", "first=0",
                $"{Alice.Name}:x:2000:2000::/nonexistent/gs-test-alice:/bin/bash", $"{Alice.Name}:x:2000:",
                "second=0",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_account_of_that_name_with_other_ids_fails_and_says_which_ids_it_has()
    {
        var script = NodeScripts.EnsureAccounts([Alice]);

        var output = InPrivateEtc($"groupadd --gid 2001 {Alice.Name} && useradd --uid 2001 --gid 2001 --no-create-home {Alice.Name} && " +
                                  $"sh -c '{Escape(script)}' 2>&1; echo exit=$?");

        Assert.Equal([$"{NodeScripts.FailureTag}\t{Alice.Name}\thas uid:gid 2001:2001", "exit=1"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Runs a script as root with /etc replaced by a scratch copy, in a mount namespace that ends with it.</summary>
    private string InPrivateEtc(string script)
    {
        var etc = Path.Combine(_scratch.FullName, "etc");
        return Tool.Run("unshare", ["--mount", "--propagation", "private", "sh", "-c",
            $"cp -a /etc '{etc}' && mount --bind '{etc}' /etc && {script}"], "");
    }

    private static string Escape(string script) => script.Replace("'", "'\\''", StringComparison.Ordinal);

    public void Dispose() => _scratch.Delete(recursive: true);
}
