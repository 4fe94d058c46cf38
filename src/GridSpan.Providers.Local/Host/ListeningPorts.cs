using System.Globalization;

namespace GridSpan.Providers.Local.Host;

/// <summary>
/// Whether a TCP port listens in a process's network namespace, read from /proc/PID/net/tcp{,6}.
/// Unlike a connection it costs the node nothing: probing a booting node's sshd by connecting
/// forks an sshd per probe, which on a loaded machine slows the boot it waits for.
/// </summary>
public static class ListeningPorts
{
    private const string ListenState = "0A";

    public static bool IsListening(int pid, int port)
    {
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" })
        {
            try
            {
                // "sl local_address rem_address st ...": local_address is ADDRESS:PORT in hex.
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 3 && fields[3] == ListenState && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
            catch (IOException)
            {
                // The process is gone or has no IPv6 table.
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
        return false;
    }
}
