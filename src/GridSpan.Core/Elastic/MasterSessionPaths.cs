namespace GridSpan.Elastic;

/// <summary>
/// Where a hook on the master finds its files and keeps its own: what the hook's CLI entry
/// (`gridspan node`) reads from the environment and hands to <see cref="MasterSession.Open"/>.
/// </summary>
/// <param name="Home">The kit's files: <see cref="Cluster.MasterKit.Home"/>, unless <see cref="HomeVariable"/> names another.</param>
/// <param name="LogFile">The elastic log: <see cref="Cluster.MasterKit.LogFile"/>, unless <see cref="LogVariable"/> names another.</param>
/// <param name="RuntimeDirectory">$XDG_RUNTIME_DIR, or null: where the hook's SSH client files go (see <see cref="Common.PrivateFiles.RuntimeDirectory"/>).</param>
/// <param name="UserHome">The user's home directory: what `~/` means in the kit's cluster.yaml.</param>
public sealed record MasterSessionPaths(string Home, string LogFile, string? RuntimeDirectory, string UserHome)
{
    /// <summary>Overrides <see cref="Cluster.MasterKit.Home"/> (tests).</summary>
    public const string HomeVariable = "GRIDSPAN_ELASTIC_HOME";

    /// <summary>Overrides <see cref="Cluster.MasterKit.LogFile"/> (tests).</summary>
    public const string LogVariable = "GRIDSPAN_ELASTIC_LOG";
}
