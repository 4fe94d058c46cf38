using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GridSpan.Common;

namespace GridSpan.Configure;

/// <summary>
/// Renders the OpenSSH client files of one cluster: an ssh_config with one Host block per node and
/// strict defaults, and a known_hosts holding each node's pinned keys under the node's name.
/// Everything is in the config file (not in -o options) because ssh starts the ProxyJump hop as a
/// new process that reads only the config file.
/// </summary>
public static class SshClientFiles
{
    public static string RenderConfig(SshTransportOptions options, string knownHostsPath, IEnumerable<SshTarget> targets)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by gridspan; use with: ssh -F <this file> <node name>");
        foreach (var target in targets.OrderBy(target => target.NodeName, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Host {target.NodeName}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  HostName {target.Address}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  Port {target.Port}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  User {target.User}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  HostKeyAlias {target.NodeName}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  ControlPath {Path(System.IO.Path.Combine(options.ControlDirectory, ControlSocketName(target.NodeName)))}");
            if (target.Jump is { } jump)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  ProxyJump {jump.NodeName}");
            }
        }
        text.AppendLine("Host *");
        foreach (var line in new[]
                 {
                     "BatchMode yes",
                     "StrictHostKeyChecking yes",
                     $"UserKnownHostsFile {Path(knownHostsPath)}",
                     "GlobalKnownHostsFile /dev/null",
                     "CheckHostIP no",
                     "UpdateHostKeys no",
                     "HashKnownHosts no",
                     $"IdentityFile {Path(options.IdentityFile)}",
                     "IdentitiesOnly yes",
                     "IdentityAgent none",
                     "PreferredAuthentications publickey",
                     "PasswordAuthentication no",
                     "KbdInteractiveAuthentication no",
                     "ForwardAgent no",
                     "ForwardX11 no",
                     "ControlMaster auto",
                     $"ControlPersist {Seconds(options.ControlPersist)}",
                     $"ConnectTimeout {Seconds(options.ConnectTimeout)}",
                     "ConnectionAttempts 1",
                     $"ServerAliveInterval {Seconds(options.ServerAliveInterval)}",
                     "ServerAliveCountMax 3",
                     "LogLevel ERROR",
                 })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
        }
        return text.ToString();
    }

    public static string RenderKnownHosts(IEnumerable<SshTarget> targets)
    {
        var text = new StringBuilder();
        foreach (var target in targets.OrderBy(target => target.NodeName, StringComparer.Ordinal))
        {
            foreach (var key in target.HostKeys)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{target.NodeName} {key}");
            }
        }
        return text.ToString();
    }

    /// <summary>A fixed-length socket name per node, so long node names never overflow the socket path.</summary>
    public static string ControlSocketName(string nodeName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeName)))[..16];

    /// <summary>Rejects what ssh_config would read as a pattern, a list or a token, so a node name can only name one host.</summary>
    public static void EnsureValid(SshTarget target)
    {
        foreach (var hop in target.WithJumps())
        {
            if (hop.NodeName.Length is 0 or > 63 || !hop.NodeName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_') || hop.NodeName[0] is '-' or '.')
            {
                throw GridSpanException.Failed($"'{hop.NodeName}' cannot be used as an SSH host name",
                    "node names are 1 to 63 letters, digits, '-', '.' or '_', starting with a letter or digit");
            }
            if (hop.Address.Length == 0 || !hop.Address.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ':' or '_'))
            {
                throw GridSpanException.Failed($"node '{hop.NodeName}': '{hop.Address}' is not an address or host name SSH can connect to");
            }
            if (hop.User.Length == 0 || !hop.User.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw GridSpanException.Failed($"node '{hop.NodeName}': '{hop.User}' is not a user name");
            }
            if (hop.Port is < 1 or > 65535)
            {
                throw GridSpanException.Failed($"node '{hop.NodeName}': port {hop.Port} is not a TCP port");
            }
            if (hop.HostKeys.IsDefaultOrEmpty)
            {
                throw GridSpanException.Failed($"node '{hop.NodeName}' has no pinned SSH host key",
                    "GridSpan never accepts an unknown host key; the node's host keys must be known before connecting (from the provider or the node's first boot)");
            }
        }
    }

    /// <summary>Quotes a path for ssh_config and escapes its '%' tokens.</summary>
    private static string Path(string path) => "\"" + path.Replace("%", "%%", StringComparison.Ordinal) + "\"";

    private static string Seconds(TimeSpan span) =>
        Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
