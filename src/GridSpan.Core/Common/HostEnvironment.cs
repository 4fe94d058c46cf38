using System.Collections;
using System.Collections.Immutable;

namespace GridSpan.Common;

/// <summary>
/// The process environment, read once when the process starts (the composition root does, and passes
/// it, or what it derives from it, to whatever needs a variable). Nothing else reads the environment,
/// so tests give each run its own variables instead of changing the process's.
/// </summary>
public sealed class HostEnvironment
{
    private readonly ImmutableDictionary<string, string> _variables;

    /// <param name="variables">Name → value; an empty or null value counts as unset.</param>
    public HostEnvironment(IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        _variables = variables
            .Where(v => !string.IsNullOrEmpty(v.Value))
            .ToImmutableDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
    }

    /// <summary>No variables at all.</summary>
    public static HostEnvironment Empty { get; } = new(ImmutableDictionary<string, string?>.Empty);

    /// <summary>A snapshot of this process's environment; later changes to it are not seen.</summary>
    public static HostEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }
        return new HostEnvironment(variables);
    }

    /// <summary>The variable's value; null when it is unset or empty.</summary>
    public string? Get(string name) => _variables.GetValueOrDefault(name);

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/> (null or empty: unset).</summary>
    public HostEnvironment With(string name, string? value)
    {
        var variables = _variables.ToDictionary(v => v.Key, v => (string?)v.Value, StringComparer.Ordinal);
        variables[name] = value;
        return new HostEnvironment(variables);
    }

    /// <summary>The user's home directory: $HOME, else the account's own (as <see cref="Environment.SpecialFolder.UserProfile"/>).</summary>
    public string HomeDirectory => Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>$XDG_RUNTIME_DIR: the user's private directory for sockets, when the session has one.</summary>
    public string? RuntimeDirectory => Get("XDG_RUNTIME_DIR");
}
