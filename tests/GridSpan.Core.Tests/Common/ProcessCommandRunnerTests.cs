using GridSpan.Common;

namespace GridSpan.Core.Tests.Common;

public sealed class ProcessCommandRunnerTests
{
    private readonly ProcessCommandRunner _runner = new();

    [Fact]
    public async Task A_failing_command_becomes_an_exception_that_quotes_its_stderr()
    {
        var request = CommandRequest.Of("sh", "-c", "echo 'disk on fire' >&2; exit 3");

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => _runner.RunCheckedAsync(request, CancellationToken.None));

        Assert.Contains("exit code 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("disk on fire", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standard_input_reaches_the_program_and_output_comes_back()
    {
        var request = CommandRequest.Of("cat") with { StandardInput = "secret-free text" };

        var result = await _runner.RunCheckedAsync(request, CancellationToken.None);

        Assert.Equal("secret-free text", result.StandardOutput);
    }

    [Fact]
    public async Task A_missing_program_is_reported_by_name()
    {
        var failure = await Assert.ThrowsAsync<GridSpanException>(
            () => _runner.RunAsync(CommandRequest.Of("no-such-program-gridspan"), CancellationToken.None));

        Assert.Contains("no-such-program-gridspan", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.HostUnsupported, failure.ExitCode);
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_and_reported_as_a_failure_that_may_pass_when_tried_again()
    {
        var request = CommandRequest.Of("sleep", "30") with { Timeout = TimeSpan.FromMilliseconds(200) };

        var failure = await Assert.ThrowsAsync<GridSpanException>(() => _runner.RunAsync(request, CancellationToken.None));

        Assert.Contains("did not finish", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.IsTransient);
    }
}
