using System.Net;
using System.Net.Sockets;

namespace GridSpan.Testing;

/// <summary>An HTTP listener on 127.0.0.1 at a free port that hands each request to the answer it is given, one after another, until disposed.</summary>
public sealed class LoopbackListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public LoopbackListener(Func<HttpListenerContext, Task> answer)
    {
        Url = new Uri($"http://127.0.0.1:{FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = ServeAsync(answer);
    }

    public Uri Url { get; }

    private async Task ServeAsync(Func<HttpListenerContext, Task> answer)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception stopped) when (stopped is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            await answer(context);
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
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
