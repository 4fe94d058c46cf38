namespace GridSpan.Common;

/// <summary>
/// The one way GridSpan waits: poll a condition at an interval until it holds or a timeout
/// passes, on an injected <see cref="TimeProvider"/> (tests advance a fake clock instead of sleeping).
/// </summary>
public static class Wait
{
    /// <summary>
    /// Calls <paramref name="poll"/> until it returns a value, waiting <paramref name="interval"/> between
    /// calls; after <paramref name="timeout"/> throws what <paramref name="timedOut"/> makes. The poll
    /// always runs at least once, and its own errors end the wait.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T?>> poll, TimeSpan interval, TimeSpan timeout,
        Func<GridSpanException> timedOut, TimeProvider time, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(timedOut);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        while (true)
        {
            if (await poll(cancellationToken).ConfigureAwait(false) is { } value)
            {
                return value;
            }
            if (time.GetElapsedTime(started) >= timeout)
            {
                throw timedOut();
            }
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false when it did not within <paramref name="timeout"/>.</summary>
    public static async Task<bool> UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan interval, TimeSpan timeout,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        while (true)
        {
            if (await condition(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
            if (time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/>, and again after <paramref name="interval"/> while it fails with an error
    /// that says it is transient (<see cref="GridSpanException.IsTransient"/>) and <paramref name="timeout"/> has
    /// not passed. Any other error, and the last transient one, is thrown as it is.
    /// </summary>
    public static async Task<T> RetryTransientAsync<T>(Func<CancellationToken, Task<T>> action, TimeSpan interval, TimeSpan timeout,
        TimeProvider time, CancellationToken cancellationToken, Action<GridSpanException>? retrying = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (GridSpanException failure) when (failure.IsTransient && time.GetElapsedTime(started) < timeout)
            {
                retrying?.Invoke(failure);
            }
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
