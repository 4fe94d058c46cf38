using System.Text.Json;
using GridSpan.Common;

namespace GridSpan.Providers.Local.Cloud;

/// <summary>
/// The state file and its lock. Every change runs as read → modify → write while holding an
/// exclusive lock on a lock file, so the CLI on the host and the API server may act at the same
/// time; the state file is replaced atomically (write to a temporary file, rename).
/// </summary>
public sealed class StateStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory { get; } = directory;

    private string StatePath => Path.Combine(Directory, "state.json");

    private string LockPath => Path.Combine(Directory, "state.lock");

    public async Task<CloudState> ReadAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return new CloudState(); // nothing was ever created; reading must not create the directory
        }
        await using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        return Load();
    }

    /// <summary>Runs <paramref name="change"/> on the state under the lock and saves it when the change returns.</summary>
    public async Task<T> UpdateAsync<T>(Func<CloudState, Task<T>> change, CancellationToken cancellationToken)
    {
        await using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var state = Load();
        var result = await change(state).ConfigureAwait(false);
        Save(state);
        return result;
    }

    public Task<T> UpdateAsync<T>(Func<CloudState, T> change, CancellationToken cancellationToken) =>
        UpdateAsync(state => Task.FromResult(change(state)), cancellationToken);

    private CloudState Load()
    {
        if (!File.Exists(StatePath))
        {
            return new CloudState();
        }
        try
        {
            return JsonSerializer.Deserialize<CloudState>(File.ReadAllText(StatePath), Json) ?? new CloudState();
        }
        catch (JsonException failure)
        {
            throw GridSpanException.Failed($"the local cloud's state file {StatePath} is damaged: {failure.Message}",
                "run `gridspan localcloud down` to remove everything the local cloud created, then start again");
        }
    }

    private void Save(CloudState state)
    {
        var temporary = StatePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json));
        File.Move(temporary, StatePath, overwrite: true);
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory(Directory);
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                // On Linux, FileShare.None takes an exclusive flock: other processes (and other
                // FileStreams in this one) fail to open it until it is closed.
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(step, cancellationToken).ConfigureAwait(false);
                waited += step;
            }
            catch (IOException)
            {
                throw GridSpanException.Failed($"the local cloud's state lock {LockPath} has been held for two minutes",
                    "another gridspan process is stuck; find it with `fuser " + LockPath + "` and stop it");
            }
        }
    }

    public static void EnsureDirectory(string path)
    {
        if (!System.IO.Directory.Exists(path))
        {
            System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
