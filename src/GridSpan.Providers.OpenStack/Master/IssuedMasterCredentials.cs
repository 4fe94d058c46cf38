using System.Collections.Concurrent;

namespace GridSpan.Providers.OpenStack.Master;

/// <summary>
/// The master's files issued in this process, shared by the sites of one provider definition. Each
/// site has its own provider, and `create` hands them all the files of the run before; without this,
/// a second site of the same cloud entry would not see the credential the first issued a moment ago
/// and would replace it. One lock: issuing is rare and must not race for the same name.
/// </summary>
internal sealed class IssuedMasterCredentials
{
    private readonly ConcurrentDictionary<(string ClusterId, string Path), string> _files = new();

    public SemaphoreSlim Lock { get; } = new(1, 1);

    public string? Find(string clusterId, string path) => _files.TryGetValue((clusterId, path), out var content) ? content : null;

    public void Remember(string clusterId, string path, string content) => _files[(clusterId, path)] = content;

    public void Forget(string clusterId, string path) => _files.TryRemove((clusterId, path), out _);
}
