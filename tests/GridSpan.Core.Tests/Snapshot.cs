using System.Runtime.CompilerServices;

namespace GridSpan.Core.Tests;

/// <summary>
/// Compares text with a committed file under Snapshots/. Set GRIDSPAN_UPDATE_SNAPSHOTS=1 to
/// rewrite the files instead, then review the diff before committing it.
/// </summary>
internal static class Snapshot
{
    public static string Directory() => Path.Combine(Path.GetDirectoryName(ThisFile())!, "Snapshots");

    private static string ThisFile([CallerFilePath] string path = "") => path;

    public static bool Updating => Environment.GetEnvironmentVariable("GRIDSPAN_UPDATE_SNAPSHOTS") == "1";

    public static void Match(string name, string actual)
    {
        var path = Path.Combine(Directory(), name);
        if (Updating)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"no snapshot {name}; run the tests with GRIDSPAN_UPDATE_SNAPSHOTS=1 and review the new file");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
