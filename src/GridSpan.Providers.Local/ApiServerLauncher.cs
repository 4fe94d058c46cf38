namespace GridSpan.Providers.Local;

/// <summary>Finds how to start the API server: the gridspan CLI next to this assembly, run by the same dotnet.</summary>
public static class ApiServerLauncher
{
    /// <param name="dotnetRoot">$DOTNET_ROOT: where to look for dotnet first when this process is not run by it; null for none.</param>
    public static IReadOnlyList<string>? Discover(string? dotnetRoot)
    {
        var directory = AppContext.BaseDirectory;
        var cli = Path.Combine(directory, "gridspan.dll");
        if (!File.Exists(cli))
        {
            return null;
        }
        var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? path
            : FindDotnet(dotnetRoot);
        return dotnet is null ? null : [dotnet, cli, "localcloud", "api", "serve"];
    }

    private static string? FindDotnet(string? dotnetRoot)
    {
        foreach (var candidate in new[] { dotnetRoot, "/usr/share/dotnet", "/usr/lib/dotnet", "/usr/local/share/dotnet" })
        {
            if (candidate is not null && File.Exists(Path.Combine(candidate, "dotnet")))
            {
                return Path.Combine(candidate, "dotnet");
            }
        }
        return null;
    }
}
