using System.Collections.Immutable;
using System.Text;
using GridSpan.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using GridSpan.Common.Quoting;

namespace GridSpan.Providers.Local.Nodes;

/// <summary>
/// The subset of cloud-init user data the local cloud applies at a node's first boot:
/// `#cloud-config` with `hostname`, `write_files` (path, content, permissions, owner, encoding b64,
/// append), `runcmd` (strings or argument lists) and `ssh_authorized_keys`; or a shell script
/// starting with `#!`. Any other key is refused, so a difference from a real cloud shows at once.
/// </summary>
public sealed record UserData(
    string? Hostname,
    ImmutableArray<UserDataFile> Files,
    ImmutableArray<string> Commands,
    ImmutableArray<string> AuthorizedKeys,
    string? Script)
{
    public static readonly ImmutableArray<string> SupportedKeys = ["hostname", "write_files", "runcmd", "ssh_authorized_keys"];

    public static UserData Empty { get; } = new(null, [], [], [], null);

    public static UserData Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty;
        }
        if (text.StartsWith("#!", StringComparison.Ordinal))
        {
            return Empty with { Script = text };
        }
        if (!text.StartsWith("#cloud-config", StringComparison.Ordinal))
        {
            throw Invalid("it starts with neither '#cloud-config' nor '#!'");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException failure)
        {
            throw Invalid($"it is not valid YAML at line {failure.Start.Line}: {failure.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return Empty;
        }
        string? hostname = null;
        var files = ImmutableArray.CreateBuilder<UserDataFile>();
        var commands = ImmutableArray.CreateBuilder<string>();
        var keys = ImmutableArray.CreateBuilder<string>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "hostname":
                    hostname = Scalar(value, key);
                    break;
                case "write_files":
                    foreach (var item in Sequence(value, key))
                    {
                        files.Add(File(item));
                    }
                    break;
                case "runcmd":
                    foreach (var item in Sequence(value, key))
                    {
                        commands.Add(item is YamlSequenceNode argv
                            ? string.Join(' ', argv.Children.Select(a => ShellQuote.Quote(Scalar(a, key))))
                            : Scalar(item, key));
                    }
                    break;
                case "ssh_authorized_keys":
                    keys.AddRange(Sequence(value, key).Select(k => Scalar(k, key)));
                    break;
                default:
                    throw Invalid($"the key '{key}' is not supported by the local cloud (supported: {string.Join(", ", SupportedKeys)})");
            }
        }
        return new UserData(hostname, files.ToImmutable(), commands.ToImmutable(), keys.ToImmutable(), null);
    }

    /// <summary>The first-boot script that writes the files (runs before sshd starts).</summary>
    public string? FilesScript()
    {
        if (Files.IsEmpty)
        {
            return null;
        }
        var script = new StringBuilder("set -e\n");
        foreach (var file in Files)
        {
            var path = ShellQuote.Quote(file.Path);
            script.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"mkdir -p \"$(dirname {path})\"\nbase64 -d {(file.Append ? ">>" : ">")} {path} <<'GRIDSPAN_EOF'\n{Convert.ToBase64String(file.Content)}\nGRIDSPAN_EOF\n" +
                $"chmod {file.Permissions} {path}\nchown {ShellQuote.Quote(file.Owner)} {path}\n");
        }
        return script.ToString();
    }

    /// <summary>The first-boot script that runs the commands (after sshd started).</summary>
    public string? CommandsScript() =>
        Script ?? (Commands.IsEmpty ? null : "set -e\n" + string.Join('\n', Commands) + "\n");

    private static UserDataFile File(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            throw Invalid("each write_files entry must be a mapping with path and content");
        }
        string? Get(string name) => map.Children.TryGetValue(new YamlScalarNode(name), out var v) ? Scalar(v, $"write_files.{name}") : null;
        var known = new[] { "path", "content", "permissions", "owner", "encoding", "append" };
        if (map.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => !known.Contains(k.Value)) is { } unknown)
        {
            throw Invalid($"write_files key '{unknown.Value}' is not supported (supported: {string.Join(", ", known)})");
        }
        var path = Get("path") ?? throw Invalid("a write_files entry has no path");
        if (!path.StartsWith('/') || path.Split('/').Contains(".."))
        {
            throw Invalid($"write_files path '{path}' must be absolute and without '..'");
        }
        var content = Get("content") ?? "";
        var bytes = Get("encoding") switch
        {
            null or "text/plain" => Encoding.UTF8.GetBytes(content),
            "b64" or "base64" => Convert.FromBase64String(content),
            var other => throw Invalid($"write_files encoding '{other}' is not supported (use b64 or none)"),
        };
        var permissions = Get("permissions") ?? "0644";
        if (!permissions.All(c => c is >= '0' and <= '7') || permissions.Length is < 3 or > 4)
        {
            throw Invalid($"write_files permissions '{permissions}' must be octal such as 0644");
        }
        var owner = Get("owner") ?? "root:root";
        if (!owner.All(c => char.IsLetterOrDigit(c) || c is ':' or '-' or '_' or '.'))
        {
            throw Invalid($"write_files owner '{owner}' must look like user:group");
        }
        return new UserDataFile(path, bytes, permissions, owner, Get("append") is "true" or "True");
    }

    private static IEnumerable<YamlNode> Sequence(YamlNode node, string key) =>
        node as YamlSequenceNode ?? throw Invalid($"'{key}' must be a list");

    private static string Scalar(YamlNode node, string key) =>
        (node as YamlScalarNode)?.Value ?? throw Invalid($"'{key}' must be a single value");

    private static GridSpanException Invalid(string why) =>
        GridSpanException.Failed($"the server's user data cannot be applied: {why}",
            "see docs/local-cloud.md for the cloud-init subset the local cloud supports");
}

public sealed record UserDataFile(string Path, byte[] Content, string Permissions, string Owner, bool Append);
