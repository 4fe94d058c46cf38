using GridSpan.Plan;
using GridSpan.Secrets;
using GridSpan.Common.Quoting;

namespace GridSpan.Render;

/// <summary>Passwordless SSH between nodes for the cluster user, and how nodes know each other's host keys.</summary>
public static class SshRenderer
{
    /// <summary>Where each node's host certificate lives, beside its host key (sshd's HostCertificate).</summary>
    public const string HostCertificatePath = NodePaths.HostKey + "-cert.pub";

    /// <summary>
    /// One line, the same on every node however large the cluster: the cluster's certificate
    /// authority is trusted for the names of its nodes (<c>&lt;cluster&gt;-*</c> and
    /// <c>*.&lt;domain&gt;</c>), and each node presents a host certificate for its own names. A node
    /// created later is trusted without any other node's files changing.
    /// </summary>
    public static string RenderKnownHosts(ClusterPlan plan, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(secrets);
        return new TextLines()
            .Line($"# Rendered by GridSpan: every node of cluster {plan.Name} has a host certificate from this authority.")
            .Line($"@cert-authority {NamePatterns(plan)} {KeyWithoutComment(secrets.HostCertificateAuthority.PublicKey)}")
            .ToString();
    }

    /// <summary>The known_hosts patterns that cover every node's names: host names start with the cluster's name, FQDNs end with its domain.</summary>
    public static string NamePatterns(ClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"{HostsQuote.Name(plan.Name)}-*,*.{HostsQuote.Name(plan.Domain)}";
    }

    /// <summary>
    /// The cluster user's authorized_keys: your keys and the user key (SSH between nodes); for root
    /// also GridSpan's own key, since this file replaces the one the node booted with.
    /// </summary>
    public static string RenderAuthorizedKeys(ClusterPlan plan, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(secrets);
        var text = new TextLines()
            .Line(plan.User == "root"
                ? "# Rendered by GridSpan: your keys, the cluster user's key (SSH between nodes) and GridSpan's key."
                : "# Rendered by GridSpan: your keys and the cluster user's key (SSH between nodes).")
            .Lines(plan.UserPublicKeys)
            .Line(secrets.UserSsh.PublicKey);
        if (plan.User == "root")
        {
            text.Line(secrets.ClusterSsh.PublicKey);
        }
        return text.ToString();
    }

    /// <summary>The cluster user's sudo: everything without a password when ssh.sudo says so, nothing otherwise.</summary>
    public static string RenderSudoers(ClusterPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new TextLines().Line("# Rendered by GridSpan from ssh.sudo in cluster.yaml.");
        return (plan.UserSudo
            ? text.Line($"{plan.User} ALL=(ALL:ALL) NOPASSWD: ALL")
            : text.Line($"# ssh.sudo is false: {plan.User} gets no sudo."))
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
