using System.Text;
using GridSpan.Render;

namespace GridSpan.Configure;

/// <summary>
/// Removes the contents of a bundle's secret files (as text, per line, and as base64) from text
/// that comes back from a node, so an error quoting a remote tool's output can never leak a key.
/// </summary>
public sealed class SecretRedactor
{
    private const int ShortestSecret = 8;
    private readonly List<string> _secrets;

    public SecretRedactor(NodeBundle bundle)
    {
        _secrets = bundle.Files
            .Where(file => file.IsSecret)
            .SelectMany(file => Fragments(file.Content))
            .Where(fragment => fragment.Length >= ShortestSecret)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(fragment => fragment.Length)
            .ToList();
    }

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "[secret]", StringComparison.Ordinal);
        }
        return text;
    }

    private static IEnumerable<string> Fragments(string content)
    {
        yield return content;
        yield return content.Trim();
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
        yield return encoded;
        // base64 as written in 76-character lines by the file writer
        for (var start = 0; start < encoded.Length; start += NodeScripts.Base64LineLength)
        {
            yield return encoded.Substring(start, Math.Min(NodeScripts.Base64LineLength, encoded.Length - start));
        }
        foreach (var line in content.Split('\n'))
        {
            yield return line.Trim();
        }
    }
}
