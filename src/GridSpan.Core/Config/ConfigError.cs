namespace GridSpan.Config;

/// <summary>
/// One problem in a configuration file: where, which key (a path such as `sites[1].gateway`),
/// what is wrong, and how to fix it.
/// </summary>
public sealed record ConfigError(SourceLocation Location, string KeyPath, string Problem, string Fix)
{
    public override string ToString() => $"{Location}: {KeyPath}: {Problem}. {Fix}";
}
