using System.Net;
using System.Net.Sockets;

namespace GridSpan.Config;

/// <summary>
/// Reads an IPv4 range as a cluster file writes it: a network address and a prefix ("10.11.0.0/24").
/// IPNetwork.TryParse drops host bits silently, so "10.11.0.5/24" would pass as 10.11.0.0/24; a written
/// host address is a mistake worth reporting, so this reader refuses it and says which range was meant.
/// </summary>
public static class Ipv4Range
{
    /// <param name="text">The range as written.</param>
    /// <param name="minPrefix">The shortest prefix accepted (the largest range).</param>
    /// <param name="maxPrefix">The longest prefix accepted (the smallest range).</param>
    /// <param name="meant">
    /// When the text is refused only because host bits are set: the range it names once they are
    /// dropped (suggest it to the user); otherwise null.
    /// </param>
    /// <returns>The range, or null when the text is not an IPv4 network address with a prefix within the bounds.</returns>
    public static IPNetwork? Parse(string? text, int minPrefix, int maxPrefix, out IPNetwork? meant)
    {
        meant = null;
        if (!IPNetwork.TryParse(text, out var parsed) || parsed.BaseAddress.AddressFamily != AddressFamily.InterNetwork
            || parsed.PrefixLength < minPrefix || parsed.PrefixLength > maxPrefix)
        {
            return null;
        }
        if (!string.Equals(parsed.ToString(), text, StringComparison.Ordinal))
        {
            meant = parsed;
            return null;
        }
        return parsed;
    }
}
