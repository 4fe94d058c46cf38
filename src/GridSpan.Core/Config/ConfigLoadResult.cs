using System.Collections.Immutable;

namespace GridSpan.Config;

/// <summary>The outcome of loading a cluster.yaml: a spec, or every error found (never both).</summary>
/// <param name="Spec">The validated cluster; null exactly when there are errors.</param>
/// <param name="Errors">Every problem of the file, in file order.</param>
public sealed record ConfigLoadResult(ClusterSpec? Spec, ImmutableArray<ConfigError> Errors)
{
    public bool IsValid => Spec is not null;

    /// <summary>How many errors are printed; past this the rest is counted, not listed (a broken file can give thousands).</summary>
    public const int MaximumPrintedErrors = 50;

    /// <summary>
    /// The errors as the CLI prints them: `file:line:col: key: problem`, then an indented fix line; at most
    /// <see cref="MaximumPrintedErrors"/>, then "... and N more errors". Non-printable characters of the
    /// file's values are escaped (<see cref="PrintableText"/>).
    /// </summary>
    public IEnumerable<string> FormatErrors()
    {
        foreach (var error in Errors.Take(MaximumPrintedErrors))
        {
            yield return PrintableText.Escape($"{error.Location}: {error.KeyPath}: {error.Problem}");
            yield return PrintableText.Escape($"    fix: {error.Fix}");
        }
        if (Errors.Length > MaximumPrintedErrors)
        {
            var more = Errors.Length - MaximumPrintedErrors;
            yield return $"... and {more} more error{(more == 1 ? "" : "s")}";
        }
    }
}
