using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace GridSpan.Common;

/// <summary>Runs commands as child processes. On cancellation or timeout it kills the process tree it started.</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    /// <summary>Called with each command line before it runs (for --verbose); null to stay quiet.</summary>
    private readonly Action<string>? _trace;

    public ProcessCommandRunner(Action<string>? trace = null) => _trace = trace;

    public async Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var captured = !request.InheritStandardStreams;
        var startInfo = new ProcessStartInfo(request.Program)
        {
            RedirectStandardInput = captured,
            RedirectStandardOutput = captured,
            RedirectStandardError = captured,
            UseShellExecute = false,
        };
        if (captured)
        {
            startInfo.StandardOutputEncoding = Encoding.UTF8;
            startInfo.StandardErrorEncoding = Encoding.UTF8;
        }
        foreach (var argument in request.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        if (request.WorkingDirectory is not null)
        {
            startInfo.WorkingDirectory = request.WorkingDirectory;
        }
        if (request.Environment is not null)
        {
            foreach (var (key, value) in request.Environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        _trace?.Invoke(request.ToString());
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            throw GridSpanException.CommandNotFound(request.Program,
                $"install the Debian package that provides '{request.Program}' (apt-get install ...)");
        }

        var stdout = captured ? process.StandardOutput.ReadToEndAsync(CancellationToken.None) : Task.FromResult("");
        var stderr = captured ? process.StandardError.ReadToEndAsync(CancellationToken.None) : Task.FromResult("");
        if (captured)
        {
            try
            {
                if (request.StandardInput is not null)
                {
                    await process.StandardInput.WriteAsync(request.StandardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (IOException)
            {
                // The program exited without reading its input; its exit code tells the story.
            }
            finally
            {
                process.StandardInput.Close();
            }
        }

        using var timeout = request.Timeout is { } limit
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : null;
        timeout?.CancelAfter(request.Timeout!.Value);
        try
        {
            await process.WaitForExitAsync(timeout?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            // Transient: the same command may finish in time when tried again (an SSH probe of a node still booting,
            // on a machine booting twenty at once); callers retry only where trying again is safe.
            throw GridSpanException.Failed(
                $"command '{request}' did not finish within {request.Timeout!.Value.TotalSeconds:0} s").AsTransient();
        }

        return new CommandResult(request.ToString(), process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
