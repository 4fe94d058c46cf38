using System.Globalization;

namespace GridSpan.Providers.Local.Host;

/// <summary>
/// Facts about processes from /proc. The local cloud remembers each process it started by PID and
/// start time, and signals it only while both still match, so a reused PID is never hit.
/// </summary>
public static class Processes
{
    /// <summary>The start time of a process (clock ticks since boot), or null when it does not exist.</summary>
    public static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Field 22 (starttime) is index 19 after the name and state fields are split off.
            return long.Parse(afterName[19], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool IsAlive(int pid, long startTicks)
    {
        if (StartTicks(pid) != startTicks)
        {
            return false;
        }
        // A zombie has exited; it is only waiting for its parent.
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')')..].Split(' ')[1] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The direct children of a process.</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var result = new List<int>();
        try
        {
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var text = File.ReadAllText(Path.Combine(task, "children"));
                result.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return result;
    }

    /// <summary>Sends a signal to one process by PID (never by name), only if its start time still matches.</summary>
    public static bool Signal(int pid, long startTicks, int signal)
    {
        if (StartTicks(pid) != startTicks)
        {
            return false;
        }
        return NativeMethods.Kill(pid, signal) == 0;
    }

    /// <summary>
    /// Waits until the process is gone from the process table (reaped, not merely a zombie: a zombie still
    /// answers kill(pid, 0), and start-stop-daemon takes that for a running server). False on timeout.
    /// </summary>
    public static async Task<bool> WaitGoneAsync(int pid, long startTicks, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (StartTicks(pid) == startTicks)
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    public const int SigTerm = 15;
    public const int SigKill = 9;
}
