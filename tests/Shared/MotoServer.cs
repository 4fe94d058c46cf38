using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using GridSpan.Providers.Aws.Api;

namespace GridSpan.Testing;

/// <summary>
/// A moto_server (the AWS emulator installed on these machines) of the tests' own, on 127.0.0.1 at a free port,
/// started as a child process and killed by its id when disposed. Its clients get the URL and dummy credentials
/// explicitly (<see cref="Endpoint"/>), so nothing in this process's environment changes; the `aws` CLI gets them
/// in its own environment (<see cref="CliEnvironment"/>).
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string Region = "us-east-1";

    private readonly Process _process;

    private MotoServer(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public AwsEndpoint Endpoint => new(Url, new BasicAWSCredentials("testing", "testing"));

    /// <summary>What the `aws` CLI needs to talk to this server, for its own process only.</summary>
    public IReadOnlyDictionary<string, string> CliEnvironment => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_ENDPOINT_URL"] = Url.ToString(),
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
    };

    /// <summary>Why moto cannot run here, or null when it can.</summary>
    public static string? Unavailable() =>
        Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(dir => File.Exists(Path.Combine(dir, "moto_server"))) == true
            ? null
            : "moto_server is not on PATH (pip install 'moto[server]==5.2.1')";

    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MotoServer(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before it answered");
            }
            try
            {
                using var answer = await http.GetAsync(new Uri(Url, "/moto-api/data.json"), cancellationToken);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"moto_server did not answer at {Url} within 60 s");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
