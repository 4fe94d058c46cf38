using GridSpan.Plan;
using GridSpan.Secrets;

namespace GridSpan.Render;

/// <summary>
/// cloud-init user data for a node's first boot: host name, the user's and cluster's keys, and the
/// node's pre-generated SSH host key, so GridSpan and every node know the key before the node
/// exists and never accept an unknown one. Contains a private key: treat it as a secret.
/// Virtual machines get full cloud-init (`ssh_keys`, `users`); containers of the local cloud get
/// the subset it applies (`hostname`, `write_files`, `ssh_authorized_keys`: it refuses other keys),
/// with the host key written as files before sshd starts.
/// </summary>
public static class CloudInitRenderer
{
    /// <summary>The keys the local cloud's containers accept (docs/local-cloud.md).</summary>
    public static IReadOnlyList<string> ContainerKeys { get; } = ["hostname", "write_files", "runcmd", "ssh_authorized_keys"];

    public static string Render(ClusterPlan plan, NodePlan node, ClusterSecrets secrets, NodeRuntime runtime = NodeRuntime.VirtualMachine)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(secrets);
        var hostKey = secrets.HostKeys[node.Name];
        var keys = plan.UserPublicKeys.Append(secrets.ClusterSsh.PublicKey).ToList();
        if (runtime == NodeRuntime.Container)
        {
            return new TextLines()
                .Line("#cloud-config")
                .Line($"# First boot of {node.Name} ({node.Role.ToString().ToLowerInvariant()}, site {node.Site}) on the local cloud, rendered by GridSpan.")
                .Line($"hostname: {node.Name}")
                .Line("write_files:")
                .Line($"  - path: {NodePaths.HostKey}")
                .Line("    permissions: \"0600\"")
                .Line("    owner: root:root")
                .Line("    content: |")
                .Lines(hostKey.PrivateKey.TrimEnd('\n').Split('\n').Select(l => $"      {l}"))
                .Line($"  - path: {NodePaths.HostKey}.pub")
                .Line("    permissions: \"0644\"")
                .Line("    owner: root:root")
                .Line($"    content: {Quote(hostKey.PublicKey + "\n")}")
                .Line("ssh_authorized_keys:")
                .Lines(keys.Select(k => $"  - {Quote(k)}"))
                .ToString();
        }
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

    private static string Quote(string value) =>
        $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";
}
