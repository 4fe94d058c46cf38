namespace GridSpan.Common.Quoting;

/// <summary>The rule every line-based config file shares: a value never holds a control character, so it can never split or end a line.</summary>
public static class LineText
{
    public static void RequireSingleLine(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        var index = value.AsSpan().IndexOfAnyInRange('\0', '\x1f');
        if (index < 0)
        {
            index = value.IndexOf('\x7f', StringComparison.Ordinal);
        }
        if (index >= 0)
        {
            throw new ArgumentException($"{what} holds the control character U+{(int)value[index]:X4}: it would split or corrupt a line", nameof(value));
        }
    }
}
