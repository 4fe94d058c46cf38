using System.Net;
using System.Net.Sockets;
using GridSpan.Common;

namespace GridSpan.Providers.Local.Host;

/// <summary>
/// Relays this process's standard input and output to a TCP endpoint inside a network namespace:
/// the host reaches floating addresses this way (e.g. as SSH's ProxyCommand) without any route or
/// interface joining the host to the local cloud.
/// </summary>
public static class NetnsRelay
{
    public static async Task RunAsync(string netnsPath, IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        if (!File.Exists(netnsPath))
        {
            throw GridSpanException.NotFound($"the local cloud's namespace {netnsPath} does not exist", "create a cluster on the local cloud first");
        }
        using var socket = await NetnsSocket.CreateAsync(netnsPath, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp).ConfigureAwait(false);
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException failure)
        {
            throw GridSpanException.Failed($"cannot connect to {endpoint} in the local cloud: {failure.Message}");
        }
        await using var network = new NetworkStream(socket, ownsSocket: false);
        await using var input = Console.OpenStandardInput();
        await using var output = Console.OpenStandardOutput();
        var upstream = Task.Run(async () =>
        {
            await input.CopyToAsync(network, cancellationToken).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
        }, cancellationToken);
        var downstream = network.CopyToAsync(output, cancellationToken);
        await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
        await downstream.ConfigureAwait(false);
    }
}
