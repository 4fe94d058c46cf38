using System.Security.Cryptography;

namespace GridSpan.Testing;

/// <summary>Fresh OpenSSH public key lines for tests (clouds validate the key they import).</summary>
public static class TestSshKey
{
    public static string NewRsaPublicKey(string comment = "gridspan-test")
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        using var blob = new MemoryStream();
        WriteString(blob, "ssh-rsa"u8.ToArray());
        WriteString(blob, MpInt(parameters.Exponent!));
        WriteString(blob, MpInt(parameters.Modulus!));
        return $"ssh-rsa {Convert.ToBase64String(blob.ToArray())} {comment}";
    }

    private static byte[] MpInt(byte[] value) => value.Length > 0 && (value[0] & 0x80) != 0 ? [0, .. value] : value;

    private static void WriteString(MemoryStream stream, byte[] value)
    {
        var length = value.Length;
        stream.Write([(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
        stream.Write(value);
    }
}
