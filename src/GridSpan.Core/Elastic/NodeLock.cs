using GridSpan.Common;

namespace GridSpan.Elastic;

/// <summary>
/// One node's lock on the master: an exclusive lock on <c>&lt;node&gt;.lock</c> (flock, which the
/// kernel drops when the holder dies, so a killed hook never leaves a node locked). A journal file
/// next to it records what the holder does (for admins, and left behind by a holder that was killed).
/// </summary>
public sealed class NodeLock : IDisposable
{
    private readonly FileStream _file;
    private readonly string _journal;

    private NodeLock(FileStream file, string node, string journal)
    {
        _file = file;
        _journal = journal;
        Node = node;
    }

    public string Node { get; }

    /// <summary>Waits until the node's lock is free (another resume or suspend of it may run), then takes it.</summary>
    public static async Task<NodeLock> AcquireAsync(string directory, string node, string operation, TimeSpan wait, CancellationToken cancellationToken)
    {
        return await Wait.UntilAsync(_ => Task.FromResult(TryAcquire(directory, node, operation)), TimeSpan.FromMilliseconds(100), wait,
            () => GridSpanException.Failed($"node '{node}' stayed locked by another gridspan for {wait.TotalSeconds:0} s ({Describe(directory, node)})",
                $"look at {Cluster.MasterKit.LogFile}; the lock is released when its holder exits"), TimeProvider.System, cancellationToken).ConfigureAwait(false);
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
        // The journal says what the holder does; one left behind by a killed holder tells reconcile's log what died.
        File.WriteAllText(JournalOf(directory, node), $"{operation} pid={Environment.ProcessId} since={DateTime.UtcNow:O}\n");
        return new NodeLock(file, node, JournalOf(directory, node));
    }

    /// <summary>What the lock file says (the last holder's operation), for messages.</summary>
    public static string Describe(string directory, string node)
    {
        try
        {
            return File.ReadAllText(JournalOf(directory, node)).Trim();
        }
        catch (IOException)
        {
            return "no holder recorded";
        }
    }

    public void Dispose()
    {
        File.Delete(_journal);
        _file.Dispose();
    }

    private static string JournalOf(string directory, string node) => Path.Combine(directory, node + ".journal");
}
