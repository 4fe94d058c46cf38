namespace GridSpan.Cli.Tests;

/// <summary>
/// The process environment is read in one place: <c>HostEnvironment.FromProcess()</c>, which Program.cs calls
/// once. Everything else gets the snapshot, or the values derived from it, as parameters, so tests give
/// each run its own variables and never change (or race on) the process's.
/// </summary>
public sealed class EnvironmentReadsTests
{
    private const string Snapshot = "src/GridSpan.Core/Common/HostEnvironment.cs";

    [Fact]
    public void Only_the_host_environment_snapshot_reads_the_process_environment()
    {
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(SourceTree.Path("src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(SourceTree.Root, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin") || relative == Snapshot)
            {
                continue;
            }
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                // GetEnvironmentVariable and GetEnvironmentVariables, called or passed as a method group.
                if (!lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && lines[i].Contains("GetEnvironmentVariable", StringComparison.Ordinal))
                {
                    violations.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(violations.Count == 0,
            "the process environment is read outside HostEnvironment (take a HostEnvironment or the value as a parameter):\n" + string.Join('\n', violations));
    }

    [Fact]
    public void The_snapshot_is_where_the_check_looks()
    {
        Assert.Contains("Environment.GetEnvironmentVariables()", File.ReadAllText(SourceTree.Path(Snapshot)), StringComparison.Ordinal);
    }
}
