using System.Security.Cryptography;
using GridSpan.Secrets;

namespace GridSpan.Core.Tests;

/// <summary>A repeatable byte stream (SHA-256 of seed and counter), so generated secrets and snapshots are stable.</summary>
internal sealed class DeterministicRandomSource(string seed) : IRandomSource
{
    private long _counter;

    public void Fill(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            var block = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}/{_counter++}"));
            var take = Math.Min(block.Length, buffer.Length - written);
            block.AsSpan(0, take).CopyTo(buffer[written..]);
            written += take;
        }
    }
}
