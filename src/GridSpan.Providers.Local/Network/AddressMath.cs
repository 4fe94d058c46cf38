using System.Buffers.Binary;
using System.Net;

namespace GridSpan.Providers.Local.Network;

/// <summary>IPv4 arithmetic on subnets: the n-th host address, and membership.</summary>
public static class AddressMath
{
    public static IPAddress Host(IPNetwork network, int index)
    {
        var size = 1u << (32 - network.PrefixLength);
        if (index <= 0 || index >= size - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{network} has no host number {index}");
        }
        return FromUInt(ToUInt(network.BaseAddress) + (uint)index);
    }

    /// <summary>How many host addresses the network has (without network and broadcast).</summary>
    public static int HostCount(IPNetwork network) => (int)Math.Min(int.MaxValue, (1L << (32 - network.PrefixLength)) - 2);

    public static uint ToUInt(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    public static IPAddress FromUInt(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
