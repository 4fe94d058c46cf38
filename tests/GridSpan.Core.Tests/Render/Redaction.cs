using GridSpan.Secrets;

namespace GridSpan.Core.Tests.Render;

/// <summary>Replaces every secret value (and every line of a private key file) with a marker, so rendered secret files can be snapshotted.</summary>
internal static class Redaction
{
    public const string Marker = "<redacted>";

    public static string Redact(string text, ClusterSecrets secrets)
    {
        foreach (var fragment in Fragments(secrets))
        {
            text = text.Replace(fragment, Marker, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>The secret strings no output may contain: whole values, and each base64 line of the private key files.</summary>
    public static IEnumerable<string> Fragments(ClusterSecrets secrets) =>
        secrets.SecretValues()
            .SelectMany(v => new[] { v.TrimEnd('\n') }.Concat(v.Split('\n').Where(l => l.Length >= 20 && !l.StartsWith("-----", StringComparison.Ordinal))))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(f => f.Length);
}
