using GridSpan.Providers.Local.Cloud;
using GridSpan.Testing;

namespace GridSpan.ProviderContract.Tests.Local;

/// <summary>
/// The two local clouds the contract runs against, made for the test class and taken down after it
/// (never the machine's default local cloud): an open one, and a limited one whose quota admits
/// <see cref="LimitedServers"/> servers per cluster, made only when a test asks for it.
/// </summary>
public sealed class LocalContractClouds : IAsyncLifetime
{
    public const int LimitedServers = 1;

    private readonly Lock _limitedOnce = new();
    private LocalTestCloud? _open;
    private Task<LocalTestCloud>? _limited;

    public LocalTestCloud Open => _open ?? throw new InvalidOperationException("the fixture is not initialised");

    public async Task InitializeAsync()
    {
        await LocalImageFixture.EnsureBuiltAsync(CancellationToken.None);
        _open = await LocalTestCloud.CreateAsync();
    }

    public Task<LocalTestCloud> LimitedAsync()
    {
        lock (_limitedOnce)
        {
            return _limited ??= CreateLimitedAsync();
        }
    }

    private static async Task<LocalTestCloud> CreateLimitedAsync()
    {
        var limited = await LocalTestCloud.CreateAsync();
        try
        {
            await limited.Cloud.SetQuotaAsync(new QuotaRecord(MaxServersPerCluster: LimitedServers, MaxServersPerNetwork: null), CancellationToken.None);
            return limited;
        }
        catch
        {
            await limited.DisposeAsync();
            throw;
        }
    }

    /// <summary>The limited cloud if one was made (a failed creation took its own cloud down already).</summary>
    private async Task<LocalTestCloud?> LimitedIfMadeAsync()
    {
        try
        {
            return _limited is null ? null : await _limited;
        }
        catch (Exception)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var cloud in new[] { await LimitedIfMadeAsync(), _open })
        {
            try
            {
                if (cloud is not null)
                {
                    await cloud.DisposeAsync();
                }
            }
            catch (Exception failure)
            {
                failures.Add(failure);
            }
        }
        if (failures.Count > 0)
        {
            throw new AggregateException("taking the contract test's local clouds down failed", failures);
        }
    }
}
