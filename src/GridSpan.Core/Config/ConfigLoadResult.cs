using System.Collections.Immutable;

namespace GridSpan.Config;

/// <summary>The outcome of loading a cluster.yaml: a spec, or every error found (never both).</summary>
/// <param name="Spec">The validated cluster; null exactly when there are errors.</param>
/// <param name="Errors">Every problem of the file, in file order.</param>
public sealed record ConfigLoadResult(ClusterSpec? Spec, ImmutableArray<ConfigError> Errors)
{
    public bool IsValid => Spec is not null;

    /// <summary>
    /// The errors as the CLI prints them: `file:line:col: key: problem`, then an indented fix line.
    /// </summary>
    public IEnumerable<string> FormatErrors()
    {
        foreach (var error in Errors)
        {
            yield return $"{error.Location}: {error.KeyPath}: {error.Problem}";
            yield return $"    fix: {error.Fix}";
        }
    }
}
