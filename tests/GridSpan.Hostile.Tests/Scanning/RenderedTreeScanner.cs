using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace GridSpan.Hostile.Tests.Scanning;

/// <summary>
/// Checks a tree written by `gridspan render`: every script is valid sh (`sh -n`) and holds no
/// shell metacharacter from the configuration where the shell would interpret it; slurm.conf,
/// exports, hosts and dnsmasq files consist of whole, well-formed lines; cloud-init user data is YAML.
/// </summary>
internal static partial class RenderedTreeScanner
{
    private const string ShellMetacharacters = ";&|$`<>()*?[]{}'\"#~!\\\n\r\t ";

    private static readonly System.Buffers.SearchValues<char> Metacharacters = System.Buffers.SearchValues.Create(ShellMetacharacters);

    /// <summary>Scripts already passed through `sh -n`, by content: many nodes share their scripts.</summary>
    private static readonly ConcurrentDictionary<string, string?> SyntaxChecked = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> Scan(string root, string configText)
    {
        var problems = new List<string>();
        var values = ConfigValues(configText).Where(v => v.Length > 1 && v.AsSpan().IndexOfAny(Metacharacters) >= 0).ToList();
        foreach (var (relative, text) in RenderedFiles(root))
        {
            if (text.StartsWith("#!", StringComparison.Ordinal))
            {
                CheckScript(relative, text, values, problems);
            }
            else if (relative.EndsWith("etc/slurm/slurm.conf", StringComparison.Ordinal))
            {
                CheckLines(relative, text, SlurmLine(), problems);
            }
            else if (relative.Contains("/etc/exports", StringComparison.Ordinal))
            {
                CheckLines(relative, text, ExportsLine(), problems);
            }
            else if (relative.EndsWith("etc/hosts", StringComparison.Ordinal) || relative.EndsWith("cluster.hosts", StringComparison.Ordinal))
            {
                CheckLines(relative, text, HostsLine(), problems);
            }
            else if (relative.Contains("/etc/dnsmasq.d/", StringComparison.Ordinal))
            {
                CheckLines(relative, text, DnsmasqLine(), problems);
            }
            else if (relative.EndsWith("/user-data", StringComparison.Ordinal))
            {
                CheckYaml(relative, text, problems);
            }
        }
        return problems;
    }

    /// <summary>
    /// Every file render wrote, by its path relative to the tree, and every file a bundle.json holds inline
    /// (named NODE/bundle.json:PATH); a bundle's commands come as one script (NODE/bundle.json (commands)).
    /// </summary>
    private static IEnumerable<(string Name, string Text)> RenderedFiles(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            var text = File.ReadAllText(file);
            if (!relative.EndsWith("/bundle.json", StringComparison.Ordinal))
            {
                yield return (relative, text);
                continue;
            }
            using var manifest = JsonDocument.Parse(text);
            yield return (relative + " (commands)", "#!/bin/sh\n" + string.Join('\n', manifest.RootElement.GetProperty("commands").EnumerateArray().Select(c => c.GetString())) + "\n");
            foreach (var entry in manifest.RootElement.GetProperty("files").EnumerateArray())
            {
                if (entry.TryGetProperty("content", out var content))
                {
                    yield return ($"{relative}:{entry.GetProperty("path").GetString()}", content.GetString()!);
                }
            }
        }
    }

    private static void CheckScript(string name, string script, List<string> values, List<string> problems)
    {
        if (SyntaxChecked.GetOrAdd(script, SyntaxError) is { } error)
        {
            problems.Add($"{name}: sh -n: {error}");
        }
        var states = ShellQuoting.Of(script);
        foreach (var value in values)
        {
            for (var at = script.IndexOf(value, StringComparison.Ordinal); at >= 0; at = script.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                for (var k = 0; k < value.Length; k++)
                {
                    var c = value[k];
                    var state = states[at + k];
                    var interpreted = Metacharacters.Contains(c) && state switch
                    {
                        Quoting.Unquoted => true,
                        Quoting.Double or Quoting.ExpandingHereDocument => c is '$' or '`' or '\\' or '"',
                        _ => false,
                    };
                    if (interpreted)
                    {
                        problems.Add($"{name}: the configuration value '{value}' reaches the script with '{c}' unquoted at offset {at + k}");
                        break;
                    }
                }
            }
        }
    }

    private static string? SyntaxError(string script)
    {
        var start = new ProcessStartInfo("sh", ["-n"]) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : error.Trim();
    }

    private static void CheckLines(string name, string text, Regex line, List<string> problems)
    {
        if (!text.EndsWith('\n'))
        {
            problems.Add($"{name}: does not end with a newline");
        }
        var number = 0;
        foreach (var content in text.Split('\n').SkipLast(1))
        {
            number++;
            if (content.Length > 0 && !content.StartsWith('#') && !line.IsMatch(content))
            {
                problems.Add($"{name}:{number}: a malformed line: '{content}'");
            }
        }
    }

    private static void CheckYaml(string name, string text, List<string> problems)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode)
            {
                problems.Add($"{name}: not one YAML mapping");
            }
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            problems.Add($"{name}: not valid YAML: {e.Message}");
        }
    }

    /// <summary>Every scalar of the configuration file: what a hostile file controls.</summary>
    private static List<string> ConfigValues(string configText)
    {
        var values = new List<string>();
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(configText));
            foreach (var document in stream.Documents)
            {
                values.AddRange(document.AllNodes.OfType<YamlScalarNode>().Select(n => n.Value ?? ""));
            }
        }
        catch (YamlDotNet.Core.YamlException)
        {
            // GridSpan accepted it, so GridSpan's reader read it; the scan then only checks syntax and lines.
        }
        return values;
    }

    /// <summary>Key=Value words separated by single spaces; no value holds white space or a comment.</summary>
    [GeneratedRegex(@"\A[A-Za-z]+=[^\s#]+( [A-Za-z]+=[^\s#]+)*\z")]
    private static partial Regex SlurmLine();

    /// <summary>A normalised absolute path of safe characters, then clients with options.</summary>
    [GeneratedRegex(@"\A/[A-Za-z0-9/._+-]* ([0-9./]+\([a-z_,=0-9]+\))( [0-9./]+\([a-z_,=0-9]+\))*\z")]
    private static partial Regex ExportsLine();

    /// <summary>An address, then host names.</summary>
    [GeneratedRegex(@"\A[0-9a-f.:]+( [a-z0-9][a-z0-9.-]*)+\z")]
    private static partial Regex HostsLine();

    /// <summary>An option, with a value of no white space.</summary>
    [GeneratedRegex(@"\A[a-z-]+(=[^\s#]+)?\z")]
    private static partial Regex DnsmasqLine();
}
