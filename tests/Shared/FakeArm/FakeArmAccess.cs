using Azure.Core;
using GridSpan.Providers.Azure.Api;
using GridSpan.Providers.Azure.Settings;

namespace GridSpan.Testing.FakeArm;

/// <summary>How a test reaches a <see cref="FakeArm"/>: a fixed token, short waits, and site settings pointing at it.</summary>
public static class FakeArmAccess
{
    public static ArmAccess Access(TimeSpan? backoff = null, int attempts = 6) => new(new FixedToken())
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        Backoff = backoff ?? TimeSpan.FromMilliseconds(20),
        Attempts = attempts,
        OperationTimeout = TimeSpan.FromMinutes(1),
    };

    public static AzureSiteSettings Settings(this FakeArm arm, string location = "westeurope")
    {
        ArgumentNullException.ThrowIfNull(arm);
        return new AzureSiteSettings(arm.Subscription, location, null, arm.Url);
    }

    /// <summary>A credential that always has a token; the fake checks only that one is sent.</summary>
    private sealed class FixedToken : TokenCredential
    {
        private static readonly AccessToken Token = new("fake-arm-token", DateTimeOffset.UtcNow.AddHours(1));

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => Token;

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(Token);
    }
}
