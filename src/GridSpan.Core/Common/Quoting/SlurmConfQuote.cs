namespace GridSpan.Common.Quoting;

/// <summary>
/// A value in slurm.conf: `#` starts a comment unless escaped as `\#`, and a value with a space or
/// `=` is written in double quotes. slurm.conf has no escape for `"` or a line break: those are refused.
/// </summary>
public static class SlurmConfQuote
{
    public static string Value(string value)
    {
        LineText.RequireSingleLine(value, "a slurm.conf value");
        if (value.Contains('"', StringComparison.Ordinal))
        {
            throw new ArgumentException($"a slurm.conf value cannot hold '\"': {value}", nameof(value));
        }
        var escaped = value.Replace("#", "\\#", StringComparison.Ordinal);
        return value.Length == 0 || value.Any(c => c is ' ' or '=')
            ? "\"" + escaped + "\""
            : escaped;
    }
}
