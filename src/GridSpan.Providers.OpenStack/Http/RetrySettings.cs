namespace GridSpan.Providers.OpenStack.Http;

/// <summary>How transient failures are retried: exponential backoff with jitter from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>.</summary>
/// <param name="Attempts">Retries after the first try.</param>
/// <param name="RequestTimeout">How long one HTTP request may take.</param>
public sealed record RetrySettings(int Attempts, TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan RequestTimeout)
{
    /// <summary>About half a minute of retries: enough for a busy resource to settle or an API to restart.</summary>
    public static RetrySettings Default { get; } = new(8, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(120));
}
