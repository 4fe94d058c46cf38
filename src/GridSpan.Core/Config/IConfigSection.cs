using System.Collections.Immutable;

namespace GridSpan.Config;

/// <summary>
/// A mapping from a configuration file that has already been checked against its
/// <see cref="Shapes.ObjectShape"/>: keys are known and values have the declared types.
/// Providers read their own section through this, so they never see YAML.
/// </summary>
public interface IConfigSection
{
    /// <summary>The section's path from the file's root, e.g. `sites[0].openstack`.</summary>
    string KeyPath { get; }

    SourceLocation Location { get; }

    bool Has(string key);

    string? GetString(string key);

    long? GetInteger(string key);

    bool? GetBoolean(string key);

    /// <summary>A list of strings; empty when absent.</summary>
    ImmutableArray<string> GetStrings(string key);

    IConfigSection? GetSection(string key);

    /// <summary>Where the key's value sits (the section's own location when the key is absent).</summary>
    SourceLocation LocationOf(string key);

    /// <summary>The key's full path for messages, e.g. `sites[0].openstack.cloud`.</summary>
    string PathOf(string key);
}
