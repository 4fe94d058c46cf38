namespace GridSpan.Common.Quoting;

/// <summary>
/// A name in a hosts file (/etc/hosts, dnsmasq's hostsdir, known_hosts): the format has no quoting,
/// so a name is written only when it is a valid host name (letters, digits, `-` and `.`).
/// </summary>
public static class HostsQuote
{
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 253 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')
            || name.StartsWith('-') || name.StartsWith('.'))
        {
            throw new ArgumentException($"'{name.ReplaceLineEndings(" ")}' is not a host name: a hosts file cannot hold it", nameof(name));
        }
        return name;
    }
}
