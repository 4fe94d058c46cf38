using GridSpan.Common;

namespace GridSpan.Providers.Local.Host;

/// <summary>Shorthands for the programs the local cloud drives, all through the one <see cref="ICommandRunner"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "the program's arguments are a params array, which must come last")]
public sealed class Commands(ICommandRunner runner)
{
    public ICommandRunner Runner { get; } = runner;

    public Task<CommandResult> RunAsync(CancellationToken cancellationToken, string program, params string[] arguments) =>
        Runner.RunCheckedAsync(new CommandRequest(program, arguments), cancellationToken);

    public Task<CommandResult> TryAsync(CancellationToken cancellationToken, string program, params string[] arguments) =>
        Runner.RunAsync(new CommandRequest(program, arguments), cancellationToken);

    /// <summary>`ip -n NS ...`: configures a namespace from outside, without entering it.</summary>
    public Task<CommandResult> IpAsync(string netns, CancellationToken cancellationToken, params string[] arguments) =>
        RunAsync(cancellationToken, "ip", ["-n", netns, .. arguments]);

    /// <summary>Loads an nft script in a namespace (only the network namespace is entered).</summary>
    public Task<CommandResult> NftAsync(string netns, string script, CancellationToken cancellationToken) =>
        Runner.RunCheckedAsync(
            new CommandRequest("nsenter", [$"--net={Cloud.Names.NetnsPath(netns)}", "nft", "-f", "-"]) { StandardInput = script },
            cancellationToken);

    public Task<CommandResult> SysctlAsync(string netns, string setting, CancellationToken cancellationToken) =>
        RunAsync(cancellationToken, "nsenter", $"--net={Cloud.Names.NetnsPath(netns)}", "sysctl", "-q", "-w", setting);
}
