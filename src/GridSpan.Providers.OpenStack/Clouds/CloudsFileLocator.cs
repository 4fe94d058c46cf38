namespace GridSpan.Providers.OpenStack.Clouds;

/// <summary>
/// Finds clouds.yaml and secure.yaml where the OpenStack client looks: the file named by
/// OS_CLIENT_CONFIG_FILE (OS_CLIENT_SECURE_FILE), then the current directory,
/// ~/.config/openstack/ and /etc/openstack/. The first file found wins (files are not merged,
/// as in openstacksdk); secure.yaml is merged into it entry by entry.
/// On a cluster's master, the entry's own file that GridSpan wrote there
/// (<paramref name="masterDirectory"/>/&lt;entry&gt;.yaml, an application credential) comes before
/// all but OS_CLIENT_CONFIG_FILE.
/// </summary>
public sealed class CloudsFileLocator(Func<string, string?> environment, string currentDirectory, string homeDirectory,
    string masterDirectory = CloudsFileLocator.MasterDirectory)
{
    /// <summary>Where a cluster's master keeps the clouds.yaml files GridSpan issued it, one per entry.</summary>
    public const string MasterDirectory = "/etc/gridspan/openstack";

    /// <summary>Where the OpenStack client would look, given this environment and the current directory.</summary>
    public static CloudsFileLocator For(Common.HostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new(environment.Get, Environment.CurrentDirectory, environment.HomeDirectory);
    }

    public IReadOnlyList<string> CloudsCandidates() => Candidates("OS_CLIENT_CONFIG_FILE", "clouds");

    public IReadOnlyList<string> SecureCandidates() => Candidates("OS_CLIENT_SECURE_FILE", "secure");

    public string? FindClouds() => CloudsCandidates().FirstOrDefault(File.Exists);

    public string? FindSecure() => SecureCandidates().FirstOrDefault(File.Exists);

    /// <summary>The master's file for the entry, when it exists and OS_CLIENT_CONFIG_FILE does not say otherwise.</summary>
    public string? FindMasterFile(string cloudName) =>
        environment("OS_CLIENT_CONFIG_FILE") is not { Length: > 0 } && Master.MasterCloudsFile.PathFor(cloudName, masterDirectory) is var path && File.Exists(path)
            ? path
            : null;

    private List<string> Candidates(string variable, string stem)
    {
        var list = new List<string>();
        if (environment(variable) is { Length: > 0 } explicitFile)
        {
            list.Add(explicitFile);
        }
        var xdg = environment("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : Path.Combine(homeDirectory, ".config");
        foreach (var directory in new[] { currentDirectory, Path.Combine(xdg, "openstack"), "/etc/openstack" })
        {
            list.Add(Path.Combine(directory, stem + ".yaml"));
            list.Add(Path.Combine(directory, stem + ".yml"));
        }
        return list;
    }
}
