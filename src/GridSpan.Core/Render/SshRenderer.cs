using GridSpan.Plan;
using GridSpan.Secrets;
using GridSpan.Common.Quoting;

namespace GridSpan.Render;

/// <summary>Passwordless SSH between nodes for the cluster user, and every node's pinned host key.</summary>
public static class SshRenderer
{
    /// <summary>One line per node: its name, fully qualified name and address, with its ed25519 host key.</summary>
    public static string RenderKnownHosts(ClusterPlan plan, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(secrets);
        var text = new TextLines().Line($"# Host keys of every node of cluster {plan.Name}, rendered by GridSpan.");
        foreach (var node in plan.Nodes)
        {
            text.Line($"{HostsQuote.Name(node.Name)},{HostsQuote.Name($"{node.Name}.{plan.Domain}")},{node.Address} {KeyWithoutComment(secrets.HostKeys[node.Name].PublicKey)}");
        }
        return text.ToString();
    }

    public static string RenderAuthorizedKeys(ClusterPlan plan, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(secrets);
        return new TextLines()
            .Line("# Rendered by GridSpan: the user's keys and the cluster key (SSH between nodes).")
            .Lines(plan.UserPublicKeys)
            .Line(secrets.ClusterSsh.PublicKey)
            .ToString();
    }

    /// <summary>The key type and base64 of an OpenSSH public key line, without its comment.</summary>
    public static string KeyWithoutComment(string publicKeyLine)
    {
        ArgumentNullException.ThrowIfNull(publicKeyLine);
        var parts = publicKeyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? $"{parts[0]} {parts[1]}" : publicKeyLine;
    }
}
