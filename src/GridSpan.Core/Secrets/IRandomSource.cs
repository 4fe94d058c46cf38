using System.Security.Cryptography;

namespace GridSpan.Secrets;

/// <summary>Where secret bytes come from. Production uses the OS's CSPRNG; tests inject a deterministic source.</summary>
public interface IRandomSource
{
    void Fill(Span<byte> buffer);
}

/// <summary>The operating system's cryptographic random number generator.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static SystemRandomSource Instance { get; } = new();

    public void Fill(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);
}
