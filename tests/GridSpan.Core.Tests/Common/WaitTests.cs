using GridSpan.Common;
using Microsoft.Extensions.Time.Testing;

namespace GridSpan.Core.Tests.Common;

public sealed class WaitTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_wait_returns_the_first_value_the_poll_gives()
    {
        var polls = 0;
        var wait = Wait.UntilAsync(_ => Task.FromResult(++polls == 3 ? "ready" : null), Interval, TimeSpan.FromMinutes(1),
            () => GridSpanException.Failed("too late"), _time, CancellationToken.None);

        Assert.Equal("ready", await DriveAsync(wait));
        Assert.Equal(3, polls);
        Assert.True(_time.GetUtcNow() - _time.Start < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_wait_throws_its_own_error_once_the_timeout_has_passed_on_the_clock_it_was_given()
    {
        var wait = Wait.UntilAsync<string>(_ => Task.FromResult<string?>(null), Interval, TimeSpan.FromSeconds(10),
            () => GridSpanException.Failed("server x did not become active within 10 s"), _time, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => DriveAsync(wait));
        Assert.Equal("server x did not become active within 10 s", failure.Message);
        Assert.InRange(_time.GetUtcNow() - _time.Start, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task A_condition_wait_says_false_when_the_condition_never_holds()
    {
        var wait = Wait.UntilAsync(_ => Task.FromResult(false), Interval, TimeSpan.FromSeconds(5), _time, CancellationToken.None);

        Assert.False(await DriveAsync(wait));
    }

    [Fact]
    public async Task A_cancelled_wait_stops_at_once()
    {
        using var cancel = new CancellationTokenSource();
        var wait = Wait.UntilAsync(_ => Task.FromResult(false), Interval, TimeSpan.FromHours(1), _time, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_the_action_succeeds()
    {
        var calls = 0;
        var retried = new List<string>();
        var run = Wait.RetryTransientAsync(_ => ++calls < 3
                ? throw GridSpanException.Failed($"unreachable {calls}").AsTransient()
                : Task.FromResult(calls), Interval, TimeSpan.FromMinutes(1), _time, CancellationToken.None, failure => retried.Add(failure.Message));

        Assert.Equal(3, await DriveAsync(run));
        Assert.Equal(["unreachable 1", "unreachable 2"], retried);
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_is_thrown_at_the_first_attempt()
    {
        var calls = 0;
        var run = Wait.RetryTransientAsync<int>(_ => { calls++; throw GridSpanException.Failed("host key mismatch"); },
            Interval, TimeSpan.FromMinutes(1), _time, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => DriveAsync(run));
        Assert.Equal("host key mismatch", failure.Message);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task The_last_transient_failure_is_thrown_when_the_timeout_has_passed()
    {
        var calls = 0;
        var run = Wait.RetryTransientAsync<int>(_ => throw GridSpanException.Failed($"unreachable {++calls}").AsTransient(),
            Interval, TimeSpan.FromSeconds(5), _time, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => DriveAsync(run));
        Assert.True(failure.IsTransient);
        Assert.Equal($"unreachable {calls}", failure.Message);
        Assert.InRange(calls, 5, 7);
    }

    [Fact]
    public void Marking_a_failure_transient_keeps_its_message_fix_and_exit_code()
    {
        var failure = GridSpanException.Provider("a", "did not answer", "try again");

        var transient = failure.AsTransient();

        Assert.False(failure.IsTransient);
        Assert.True(transient.IsTransient);
        Assert.Equal((failure.Message, failure.Fix, failure.ExitCode), (transient.Message, transient.Fix, transient.ExitCode));
    }

    /// <summary>Advances the fake clock until the wait ends, so no test sleeps.</summary>
    private async Task<T> DriveAsync<T>(Task<T> wait)
    {
        for (var step = 0; !wait.IsCompleted && step < 10_000; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }
        return await wait;
    }
}
