using Azure.Core;
using Azure.Identity;
using GridSpan.Providers.Azure.Settings;

namespace GridSpan.Providers.Azure.Api;

/// <summary>
/// How GridSpan reaches Azure Resource Manager: the credential whose tokens it sends (DefaultAzureCredential unless a
/// test gives its own), and how it waits: between polls of a long-running operation when ARM sends no Retry-After, and
/// between attempts of a throttled or failed call.
/// </summary>
public sealed record ArmAccess(TokenCredential Credential)
{
    private static readonly Lazy<ArmAccess> StandardAccess = new(() => new ArmAccess(new DefaultAzureCredential()));

    /// <summary>DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, Azure PowerShell, ... in its order.</summary>
    public static ArmAccess Default => StandardAccess.Value;

    /// <summary>The wait between polls of an operation when ARM's answer has no Retry-After.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait before calling again after a 5xx or no answer without Retry-After; it doubles per attempt.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a call is made at most while ARM throttles it or answers 5xx.</summary>
    public int Attempts { get; init; } = 6;

    /// <summary>How long a long-running operation is waited for.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal ArmClient Connect(string site, AzureSiteSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ArmClient(site, settings.Endpoint, this);
    }
}
