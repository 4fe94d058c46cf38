using GridSpan.Testing;

namespace GridSpan.ProviderContract.Tests.Aws;

/// <summary>One moto_server for the AWS contract tests of a class, killed when they are done, pass or fail.</summary>
public sealed class MotoFixture : IAsyncLifetime
{
    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("moto_server is not running");

    public async Task InitializeAsync()
    {
        if (MotoServer.Unavailable() is { } reason)
        {
            throw new InvalidOperationException($"the AWS contract tests need moto: {reason}");
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _server = await MotoServer.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
