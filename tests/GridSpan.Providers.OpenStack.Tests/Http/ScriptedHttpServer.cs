using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GridSpan.Providers.OpenStack.Tests.Http;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 that answers each connection with the next scripted action: a
/// response, or a connection reset (RST) after reading the request, the way uwsgi drops kept-alive
/// connections. Counts the requests it saw.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Queue<Func<Socket, Task>> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public ScriptedHttpServer(params Func<Socket, Task>[] script)
    {
        _script = new Queue<Func<Socket, Task>>(script);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Requests => Volatile.Read(ref _requests);

    public static Func<Socket, Task> Reset => socket =>
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
        return Task.CompletedTask;
    };

    public static Func<Socket, Task> Respond(int status, string json = "") => async socket =>
    {
        var body = Encoding.UTF8.GetBytes(json);
        var head = $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        await socket.SendAsync(body);
        socket.Shutdown(SocketShutdown.Both);
        socket.Close();
    };

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await ReadRequestAsync(socket);
            Interlocked.Increment(ref _requests);
            var action = _script.Count > 0 ? _script.Dequeue() : Respond(500, """{"error": {"message": "script exhausted"}}""");
            await action(socket);
        }
    }

    private static async Task ReadRequestAsync(Socket socket)
    {
        var buffer = new byte[65536];
        var received = new StringBuilder();
        int headerEnd;
        while ((headerEnd = received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return;
            }
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var headers = received.ToString()[..headerEnd];
        var length = headers.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var have = received.Length - headerEnd - 4;
        while (have < length)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return;
            }
            have += n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (SocketException)
        {
        }
        _stop.Dispose();
    }
}
