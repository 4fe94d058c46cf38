using System.Globalization;
using GridSpan.Common;
using GridSpan.Providers.Local.Host;

namespace GridSpan.Providers.Local.Cloud;

public sealed partial class LocalCloud
{
    private async Task EnsureApiServerAsync(CloudState state, CancellationToken cancellationToken)
    {
        if (!File.Exists(TokenPath))
        {
            var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            await File.WriteAllTextAsync(TokenPath, token, cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (state.Api is { } api && Processes.IsAlive(api.Pid, api.StartTicks))
        {
            return;
        }
        state.Api = null;
        if (Options.ApiServerCommand is not { Count: > 0 } command)
        {
            return;
        }
        var pidFile = Path.Combine(Options.StateDirectory, "api.pid");
        var environment = new Dictionary<string, string>
        {
            ["GRIDSPAN_LOCALCLOUD_STATE"] = Options.StateDirectory,
            ["GRIDSPAN_LOCALCLOUD_IMAGES"] = Options.ImageDirectory,
            ["GRIDSPAN_LOCALCLOUD_PREFIX"] = Options.Prefix,
            ["GRIDSPAN_LOCALCLOUD_PUBLIC"] = Options.PublicSegment.ToString(),
            ["GRIDSPAN_LOCALCLOUD_API_PORT"] = Options.ApiPort.ToString(CultureInfo.InvariantCulture),
        };
        // nsenter enters only the world's network namespace: the server listens on the public segment and
        // nowhere else, while it still sees the host's mounts (node overlays, /run/netns).
        await Commands.Runner.RunCheckedAsync(new CommandRequest("start-stop-daemon",
        [
            "--start", "--background", "--make-pidfile", "--pidfile", pidFile,
            "--output", Path.Combine(Options.StateDirectory, "api.log"),
            "--startas", "/usr/bin/nsenter", "--", $"--net={Names.NetnsPath(Names.World)}", .. command,
        ]) { Environment = environment }, cancellationToken).ConfigureAwait(false);
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
        state.Api = new ApiRecord(pid, Processes.StartTicks(pid) ?? 0, Options.ApiAddress.ToString(), Options.ApiPort);
    }
}
