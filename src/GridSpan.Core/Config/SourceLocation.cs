namespace GridSpan.Config;

/// <summary>Where a value sits in a configuration file; lines and columns count from 1.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
