using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace GridSpan.Providers.Local.Host;

/// <summary>
/// Opens sockets inside a network namespace without a helper program: a dedicated thread enters
/// the namespace (setns affects only the calling thread) and creates the socket there; a socket
/// keeps its namespace for life, so it may then be used from any thread.
/// </summary>
public static class NetnsSocket
{
    public static Task<Socket> CreateAsync(string netnsPath, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var completion = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(netnsPath, FileMode.Open, FileAccess.Read);
                if (NativeMethods.SetNs((int)handle.DangerousGetHandle(), NativeMethods.CloneNewNet) != 0)
                {
                    throw new IOException($"cannot enter the network namespace {netnsPath} (errno {Marshal.GetLastPInvokeError()})");
                }
                completion.SetResult(new Socket(family, type, protocol));
            }
            catch (Exception failure)
            {
                completion.SetException(failure);
            }
        })
        { IsBackground = true, Name = "netns-socket" };
        thread.Start();
        return completion.Task;
    }

    /// <summary>True when something answers on the endpoint from inside the namespace with the expected greeting.</summary>
    public static async Task<bool> AnswersAsync(string netnsPath, IPEndPoint endpoint, string greeting, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = await CreateAsync(netnsPath, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp).ConfigureAwait(false);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endpoint, limit.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith(greeting, StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
