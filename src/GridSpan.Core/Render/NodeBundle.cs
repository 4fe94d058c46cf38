using System.Collections.Immutable;

namespace GridSpan.Render;

/// <summary>
/// Everything one node should have, as rendered from the plan: the files with their contents,
/// the packages, and the services with the files that feed them. The configurator makes a node
/// equal to its bundle, writing only what differs and restarting a service only when one of its
/// inputs changed.
/// </summary>
/// <param name="NodeName">The node's host name (e.g. demo-hamburg-cpu-001).</param>
/// <param name="Commands">Idempotent shell commands run after files are in place and before services start (routes, sysctl).</param>
public sealed record NodeBundle(
    string NodeName,
    ImmutableArray<BundleFile> Files,
    ImmutableArray<string> Packages,
    ImmutableArray<BundleService> Services,
    ImmutableArray<string> Commands)
{
    /// <summary>Accounts the node must have before its files are written (files may belong to them), with the same ids on every node.</summary>
    public ImmutableArray<BundleAccount> Accounts { get; init; } = [];
}

/// <summary>
/// A user and its group of the same name, with one id for both, the same on every node so files on
/// the shares belong to the same user everywhere. Created when missing; a node where the name
/// exists with other ids fails with the difference.
/// </summary>
/// <param name="CreateHome">False where the home lies in a share another node creates it in.</param>
public sealed record BundleAccount(string Name, int Id, string Home, bool CreateHome);

/// <param name="Path">Absolute path on the node.</param>
/// <param name="Mode">Unix permission bits, e.g. 0o644 (secrets are 0o600 or 0o400).</param>
/// <param name="IsSecret">True for keys: never shown in output, logs or snapshots.</param>
public sealed record BundleFile(string Path, string Content, int Mode, string Owner, string Group, bool IsSecret)
{
    public static BundleFile Public(string path, string content, int mode = 0b110_100_100) =>
        new(path, content, mode, "root", "root", false);

    public static BundleFile Secret(string path, string content, string owner = "root", string group = "root", int mode = 0b110_000_000) =>
        new(path, content, mode, owner, group, true);

    /// <summary>Never shows a secret's content (records print every property by default).</summary>
    public override string ToString() =>
        $"BundleFile {{ Path = {Path}, Mode = {Convert.ToString(Mode, 8)}, Owner = {Owner}:{Group}, " +
        (IsSecret ? "secret, content redacted }" : $"{Content.Length} characters }}");
}

/// <param name="Unit">The systemd unit, e.g. slurmd.service or wg-quick@wg0.service.</param>
/// <param name="Inputs">Paths of bundle files whose change requires a restart of the unit.</param>
public sealed record BundleService(string Unit, ImmutableArray<string> Inputs);
