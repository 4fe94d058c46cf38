using System.Collections.Immutable;
using GridSpan.Providers.Azure.Api;
using GridSpan.Providers.Azure.Selection;

namespace GridSpan.Providers.Azure;

public sealed partial class AzureSiteProvider
{
    /// <summary>
    /// The host keys the VM made itself at first boot, read from its serial console log (boot diagnostics): the user
    /// data carries no host key on Azure, so these are what the first login pins. Empty until cloud-init printed them.
    /// </summary>
    private async Task<ImmutableArray<string>> HostKeysAsync(string vmId, CancellationToken cancellationToken)
    {
        var urls = await _arm.PostAsync(vmId + "/retrieveBootDiagnosticsData?sasUriExpirationTimeInMinutes=10", ArmApi.Compute, null,
            $"read the console log of the VM {SiteGroup.NameOf(vmId)}", cancellationToken).ConfigureAwait(false);
        return urls?["serialConsoleLogBlobUri"]?.GetValue<string>() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var log)
            ? ConsoleHostKeys.Parse(await _arm.DownloadAsync(log, cancellationToken).ConfigureAwait(false))
            : [];
    }
}
