namespace GridSpan.Config;

/// <summary>
/// One problem in a configuration file: where, which key (a path such as `sites[1].gateway`),
/// what is wrong, and how to fix it.
/// </summary>
public sealed record ConfigError(SourceLocation Location, string KeyPath, string Problem, string Fix)
{
    /// <summary>One line; the file's values in it are escaped where they hold non-printable characters.</summary>
    public override string ToString() => PrintableText.Escape($"{Location}: {KeyPath}: {Problem}. {Fix}");
}
