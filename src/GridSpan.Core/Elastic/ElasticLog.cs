using System.Globalization;

namespace GridSpan.Elastic;

/// <summary>
/// The master's log of what the hooks did (<see cref="Cluster.MasterKit.LogFile"/>): one line per event,
/// with time, process and node. Several hooks append at once; each line is one write.
/// </summary>
public sealed class ElasticLog(string path, Action<string>? echo = null)
{
    private readonly Lock _lock = new();

    public string Path { get; } = path;

    public void Write(string operation, string? node, string message)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} pid={Environment.ProcessId} {operation}{(node is null ? "" : " " + node)}: {message.ReplaceLineEndings(" | ")}\n");
        echo?.Invoke(line.TrimEnd());
        lock (_lock)
        {
            try
            {
                File.AppendAllText(Path, line);
            }
            catch (IOException)
            {
                // The log must never stop a hook; stderr (echo) still has the line.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
