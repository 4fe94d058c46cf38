using GridSpan.Common;

namespace GridSpan.Elastic;

/// <summary>
/// One node's lock on the master: an exclusive lock on <c>&lt;node&gt;.lock</c> (flock, which the
/// kernel drops when the holder dies, so a killed hook never leaves a node locked). The file also
/// records what its holder does (a small journal for admins and for reconcile's log).
/// </summary>
public sealed class NodeLock : IDisposable
{
    private readonly FileStream _file;

    private NodeLock(FileStream file, string node)
    {
        _file = file;
        Node = node;
    }

    public string Node { get; }

    /// <summary>Waits until the node's lock is free (another resume or suspend of it may run), then takes it.</summary>
    public static async Task<NodeLock> AcquireAsync(string directory, string node, string operation, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (TryAcquire(directory, node, operation) is { } held)
            {
                return held;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw GridSpanException.Failed($"node '{node}' stayed locked by another gridspan for {wait.TotalSeconds:0} s ({Describe(directory, node)})",
                    $"look at {MasterKit.LogFile}; the lock is released when its holder exits");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lock when it is free now, else null.</summary>
    public static NodeLock? TryAcquire(string directory, string node, string operation)
    {
        Directory.CreateDirectory(directory);
        FileStream file;
        try
        {
            // FileShare.None takes an exclusive flock on Unix.
            file = new FileStream(Path.Combine(directory, node + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        file.SetLength(0);
        var line = System.Text.Encoding.UTF8.GetBytes($"{operation} pid={Environment.ProcessId} since={DateTime.UtcNow:O}\n");
        file.Write(line);
        file.Flush();
        return new NodeLock(file, node);
    }

    /// <summary>What the lock file says (the last holder's operation), for messages.</summary>
    public static string Describe(string directory, string node)
    {
        try
        {
            using var file = new FileStream(Path.Combine(directory, node + ".lock"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(file);
            return reader.ReadLine() ?? "no holder recorded";
        }
        catch (IOException)
        {
            return "no holder recorded";
        }
    }

    public void Dispose()
    {
        _file.SetLength(0);
        _file.Dispose();
    }
}
