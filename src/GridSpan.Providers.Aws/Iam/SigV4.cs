using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GridSpan.Providers.Aws.Iam;

/// <summary>
/// AWS Signature Version 4 for a request GridSpan sends itself (IAM's Query API: its SDK package is not available).
/// The SDK's own signer works only inside its client pipeline.
/// </summary>
internal static class SigV4
{
    /// <summary>The credentials that sign: an access key, its secret, and the session token of temporary credentials.</summary>
    public sealed record Key(string AccessKeyId, string SecretAccessKey, string? SessionToken);

    /// <summary>
    /// The headers to send with the request: Host, X-Amz-Date, X-Amz-Security-Token (with a session token) and
    /// Authorization, which signs them, <paramref name="headers"/> and the body.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Sign(string method, Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, string body,
        Key key, string region, string service, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(key);
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var added = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Host"] = url.Authority,
            ["X-Amz-Date"] = amzDate,
        };
        if (key.SessionToken is { } token)
        {
            added["X-Amz-Security-Token"] = token;
        }
        var canonicalHeaders = headers.Concat(added)
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(' ', h.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', canonicalHeaders.Select(h => h.Name));
        var canonicalRequest = string.Join('\n',
            method,
            string.IsNullOrEmpty(url.AbsolutePath) ? "/" : url.AbsolutePath,
            CanonicalQuery(url.Query),
            string.Concat(canonicalHeaders.Select(h => $"{h.Name}:{h.Value}\n")),
            signedHeaders,
            Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var signingKey = new[] { date, region, service, "aws4_request" }
            .Aggregate(Encoding.UTF8.GetBytes("AWS4" + key.SecretAccessKey), (k, part) => HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(part)));
        var signature = Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        added["Authorization"] = $"AWS4-HMAC-SHA256 Credential={key.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return added;
    }

    /// <summary>Form or query encoding as SigV4 wants it: RFC 3986 unreserved characters as they are, everything else %XX.</summary>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    private static string CanonicalQuery(string query) =>
        string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (Name: Encode(Uri.UnescapeDataString(parts[0])), Value: Encode(Uri.UnescapeDataString(parts.Length > 1 ? parts[1] : ""))))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
