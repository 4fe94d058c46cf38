using System.Text.RegularExpressions;

namespace GridSpan.Providers.Local.Images;

/// <summary>Finds the Debian mirror apt itself uses for a suite, so debootstrap fetches from the same place.</summary>
public static partial class AptMirror
{
    public static string? Find(string suite, string sourcesDirectory = "/etc/apt")
    {
        var files = new List<string>();
        var list = Path.Combine(sourcesDirectory, "sources.list");
        if (File.Exists(list))
        {
            files.Add(list);
        }
        var parts = Path.Combine(sourcesDirectory, "sources.list.d");
        if (Directory.Exists(parts))
        {
            files.AddRange(Directory.GetFiles(parts).Order(StringComparer.Ordinal));
        }
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var found = file.EndsWith(".sources", StringComparison.Ordinal) ? FromDeb822(text, suite) : FromOneLine(text, suite);
            if (found is not null)
            {
                return found;
            }
        }
        return null;
    }

    private static string? FromDeb822(string text, string suite)
    {
        foreach (var stanza in Regex.Split(text, @"\n\s*\n"))
        {
            var fields = stanza.Split('\n')
                .Where(line => !line.TrimStart().StartsWith('#') && line.Contains(':', StringComparison.Ordinal))
                .Select(line => line.Split(':', 2))
                .GroupBy(pair => pair[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(group => group.Key, group => group.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (fields.GetValueOrDefault("Types")?.Split(' ').Contains("deb") == true
                && fields.GetValueOrDefault("Suites")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(suite) == true
                && fields.GetValueOrDefault("URIs") is { } uris)
            {
                return uris.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            }
        }
        return null;
    }

    private static string? FromOneLine(string text, string suite)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = OptionsBlock().Replace(raw.Trim(), " ");
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words[0] == "deb" && words[2] == suite)
            {
                return words[1];
            }
        }
        return null;
    }

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex OptionsBlock();
}
