using System.Net.Sockets;
using System.Net;

namespace GridSpan.Common;

/// <summary>IPv4 arithmetic validation and planning need: addresses as numbers, subnet overlap, the n-th address of a subnet.</summary>
public static class Ipv4
{
    public static uint ToNumber(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address", nameof(address));
        }
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
    }

    public static IPAddress FromNumber(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    /// <summary>How many addresses the subnet spans, network and broadcast address included.</summary>
    public static long Size(IPNetwork network) => 1L << (32 - network.PrefixLength);

    public static uint First(IPNetwork network) => ToNumber(network.BaseAddress);

    public static uint Last(IPNetwork network) => (uint)(First(network) + Size(network) - 1);

    public static bool Overlaps(IPNetwork a, IPNetwork b) => First(a) <= Last(b) && First(b) <= Last(a);

    /// <summary>The address <paramref name="offset"/> places after the network address.</summary>
    public static IPAddress At(IPNetwork network, long offset)
    {
        if (offset < 0 || offset >= Size(network))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} lies outside {network}");
        }
        return FromNumber((uint)(First(network) + offset));
    }

    public static IPNetwork Host(IPAddress address) => new(address, 32);
}
