using System.Globalization;
using System.Text;
using GridSpan.Common;

namespace GridSpan.Cli;

/// <summary>
/// Where an unexpected failure (a bug, never a user's mistake) is written in full, so the terminal gets one
/// line and the details are not lost: $GRIDSPAN_HOME/logs/crash-&lt;time&gt;-&lt;pid&gt;.log, readable by its owner only.
/// </summary>
public static class CrashLog
{
    /// <summary>Writes the failure and returns the log's path, or null when even that failed (the line then says so).</summary>
    /// <param name="directory">Where the log goes: the state store's "logs" ($GRIDSPAN_HOME/logs).</param>
    public static string? Write(Exception failure, string commandLine, string directory)
    {
        ArgumentNullException.ThrowIfNull(failure);
        try
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory,
                $"crash-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Environment.ProcessId}.log");
            using var stream = PrivateFiles.CreateNew(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.Write(new UTF8Encoding(false).GetBytes($"gridspan {commandLine}\n{failure}\n"));
            return path;
        }
        catch (Exception logging) when (logging is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
