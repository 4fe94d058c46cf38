using GridSpan.Plan;
using GridSpan.Secrets;

namespace GridSpan.Render;

/// <summary>
/// cloud-init user data for a node's first boot: host name, the user's and cluster's keys, and the
/// node's pre-generated SSH host key, so GridSpan and every node know the key before the node
/// exists and never accept an unknown one. Contains a private key: treat it as a secret.
/// </summary>
public static class CloudInitRenderer
{
    public static string Render(ClusterPlan plan, NodePlan node, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(secrets);
        var hostKey = secrets.HostKeys[node.Name];
        var keys = plan.UserPublicKeys.Append(secrets.ClusterSsh.PublicKey).ToList();
        var text = new TextLines()
            .Line("#cloud-config")
            .Line($"# First boot of {node.Name} ({node.Role.ToString().ToLowerInvariant()}, site {node.Site}), rendered by GridSpan.")
            .Line($"hostname: {node.Name}")
            .Line($"fqdn: {node.Name}.{plan.Domain}")
            .Line("prefer_fqdn_over_hostname: false")
            .Line("manage_etc_hosts: false")
            .Line("ssh_pwauth: false")
            .Line("ssh_deletekeys: true")
            .Line("ssh_genkeytypes: []")
            .Line("ssh_keys:")
            .Line("  ed25519_private: |");
        foreach (var line in hostKey.PrivateKey.TrimEnd('\n').Split('\n'))
        {
            text.Line($"    {line}");
        }
        text.Line($"  ed25519_public: {Quote(hostKey.PublicKey)}");
        if (plan.User == "root")
        {
            text.Line("disable_root: false")
                .Line("ssh_authorized_keys:")
                .Lines(keys.Select(k => $"  - {Quote(k)}"));
        }
        else
        {
            text.Line("users:")
                .Line($"  - name: {plan.User}")
                .Line("    shell: /bin/bash")
                .Line("    sudo: \"ALL=(ALL) NOPASSWD:ALL\"")
                .Line("    ssh_authorized_keys:")
                .Lines(keys.Select(k => $"      - {Quote(k)}"));
        }
        return text.ToString();
    }

    private static string Quote(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
