namespace GridSpan.Common.Quoting;

/// <summary>
/// A value in dnsmasq.conf: plain values stay as they are; anything else is double-quoted with `\`
/// and `"` escaped (dnsmasq(8) reads `#` inside quotes as text, outside as a comment).
/// </summary>
public static class DnsmasqQuote
{
    public static string Value(string value)
    {
        LineText.RequireSingleLine(value, "a dnsmasq value");
        return value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:,@=+".Contains(c, StringComparison.Ordinal))
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
