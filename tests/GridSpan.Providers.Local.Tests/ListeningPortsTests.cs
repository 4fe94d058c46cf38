using System.Net;
using System.Net.Sockets;
using GridSpan.Providers.Local.Host;

namespace GridSpan.Providers.Local.Tests;

public sealed class ListeningPortsTests
{
    [Fact]
    public void A_port_listens_while_its_listener_runs_and_not_after()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Assert.True(ListeningPorts.IsListening(Environment.ProcessId, port));

        listener.Stop();
        Assert.False(ListeningPorts.IsListening(Environment.ProcessId, port));
    }

    [Fact]
    public void A_connected_socket_is_not_a_listening_one()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        var clientPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        Assert.False(ListeningPorts.IsListening(Environment.ProcessId, clientPort));
    }
}
