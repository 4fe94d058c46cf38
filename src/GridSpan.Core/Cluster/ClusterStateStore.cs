using System.Text.Json;
using System.Text.Json.Serialization;
using GridSpan.Common;
using GridSpan.Plan;

namespace GridSpan.Cluster;

/// <summary>
/// The clusters' local state: one directory per cluster, <c>$GRIDSPAN_HOME/clusters/&lt;name&gt;/</c>
/// (default <c>~/.gridspan</c>), mode 0700, holding state.json, plan.json, a copy of cluster.yaml,
/// secrets.json (0600, <see cref="Secrets.SecretStore"/>), the client's copy of the cluster key and
/// the SSH client files. Every file is written atomically.
/// </summary>
public sealed class ClusterStateStore(string home)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = OwnerOnly | UnixFileMode.UserExecute;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Home { get; } = home;

    /// <summary>
    /// This user's short-lived files' directory as the environment names it ($XDG_RUNTIME_DIR): where the
    /// SSH control sockets of a cluster go when its directory's path is too long for them (see
    /// <see cref="Configure.SshTransportOptions.ForCluster"/>). Null: a private one under the temporary directory.
    /// </summary>
    public string? RuntimeDirectory { get; init; }

    /// <summary>The store the environment names: $GRIDSPAN_HOME, else ~/.gridspan.</summary>
    public static ClusterStateStore For(HostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = environment.Get("GRIDSPAN_HOME") ?? Path.Combine(environment.HomeDirectory, ".gridspan");
        return new ClusterStateStore(Path.GetFullPath(home)) { RuntimeDirectory = environment.RuntimeDirectory };
    }

    public string ClustersDirectory => Path.Combine(Home, "clusters");

    public string DirectoryOf(string name) => Path.Combine(ClustersDirectory, name);

    public string IdentityFile(string name) => Path.Combine(DirectoryOf(name), "id_ed25519");

    public string SpecCopy(string name) => Path.Combine(DirectoryOf(name), "cluster.yaml");

    /// <summary>Names of the clusters with local state, sorted.</summary>
    public IReadOnlyList<string> Names() =>
        Directory.Exists(ClustersDirectory)
            ? [.. Directory.GetDirectories(ClustersDirectory)
                .Where(d => File.Exists(Path.Combine(d, "state.json")))
                .Select(d => Path.GetFileName(d)!)
                .Order(StringComparer.Ordinal)]
            : [];

    public ClusterState? Load(string name)
    {
        var path = Path.Combine(DirectoryOf(name), "state.json");
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var state = JsonSerializer.Deserialize<ClusterState>(File.ReadAllText(path), Json) ?? throw new JsonException("the document is null");
            if (state.FormatVersion != ClusterState.CurrentFormatVersion)
            {
                throw GridSpanException.Failed($"the state of cluster '{name}' has format version {state.FormatVersion}; this GridSpan reads {ClusterState.CurrentFormatVersion}",
                    "use the GridSpan version that created the cluster");
            }
            return state;
        }
        catch (JsonException e)
        {
            throw GridSpanException.Failed($"the state file {path} is damaged: {e.Message}",
                "the cloud still knows the cluster's resources: `gridspan list` shows them, `gridspan terminate` removes them");
        }
    }

    /// <summary>The state of a cluster that must exist, or an error saying which clusters do.</summary>
    public ClusterState Require(string name) =>
        Load(name) ?? throw GridSpanException.NotFound(
            $"there is no cluster '{name}' on this machine (state in {ClustersDirectory})",
            Names().Count == 0 ? "create one with `gridspan create -c cluster.yaml`" : $"known clusters: {string.Join(", ", Names())} (`gridspan list`)");

    public void Save(ClusterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Write(Path.Combine(DirectoryOf(state.Name), "state.json"), JsonSerializer.Serialize(state, Json) + "\n");
    }

    public void SavePlan(ClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Write(Path.Combine(DirectoryOf(plan.Name), "plan.json"), PlanJson.Serialize(plan));
    }

    public ClusterPlan LoadPlan(string name)
    {
        var path = Path.Combine(DirectoryOf(name), "plan.json");
        if (!File.Exists(path))
        {
            throw GridSpanException.NotFound($"cluster '{name}' has no plan in {path}", "run `gridspan create` again to plan it");
        }
        return PlanJson.Deserialize(File.ReadAllText(path));
    }

    public void SaveSpecCopy(string name, string sourceFile)
    {
        var text = File.ReadAllText(sourceFile);
        if (!File.Exists(SpecCopy(name)) || File.ReadAllText(SpecCopy(name)) != text)
        {
            Write(SpecCopy(name), text);
        }
    }

    /// <summary>Writes the cluster's private SSH key for GridSpan's own client (0600), when it differs.</summary>
    public string SaveIdentity(string name, string privateKey)
    {
        var path = IdentityFile(name);
        if (!File.Exists(path) || File.ReadAllText(path) != privateKey)
        {
            Write(path, privateKey);
        }
        return path;
    }

    /// <summary>The sites' credentials last issued for the cluster's master (path on the master → content); empty when none.</summary>
    public IReadOnlyDictionary<string, string> LoadMasterCredentials(string name)
    {
        var path = MasterCredentialsFile(name);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path), Json) ?? []
            : new Dictionary<string, string>();
    }

    /// <summary>Keeps the issued credentials (0600) so the next `create` hands them back to their providers.</summary>
    public void SaveMasterCredentials(string name, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var text = JsonSerializer.Serialize(files.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal), Json) + "\n";
        var path = MasterCredentialsFile(name);
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            Write(path, text);
        }
    }

    private string MasterCredentialsFile(string name) => Path.Combine(DirectoryOf(name), "master-credentials.json");

    /// <summary>Removes the cluster's local state (after its resources are gone).</summary>
    public void Delete(string name)
    {
        var directory = DirectoryOf(name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public void EnsureDirectory(string name) => CreatePrivateDirectory(DirectoryOf(name));

    private static void Write(string path, string content)
    {
        if (OperatingSystem.IsWindows())
        {
            throw UnixOnly();
        }
        CreatePrivateDirectory(Path.GetDirectoryName(path)!);
        PrivateFiles.WriteAtomically(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(content);
        });
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw UnixOnly();
        }
        Directory.CreateDirectory(path, OwnerDirectory);
        File.SetUnixFileMode(path, OwnerDirectory);
    }

    private static GridSpanException UnixOnly() =>
        GridSpanException.HostUnsupported("a cluster's state holds secrets in files only the owner may read, which needs Unix file modes", "run GridSpan on Linux");
}
