using GridSpan.Common.Quoting;
using GridSpan.Plan;
using GridSpan.Secrets;
using GridSpan.Config;

namespace GridSpan.Render;

/// <summary>
/// cloud-init user data for a node's first boot: host name, the keys GridSpan logs in with, and the
/// node's pre-generated SSH host key, so GridSpan and every node know the key before the node
/// exists and never accept an unknown one. Contains a private key, treat it as a secret, except for sites whose boot
/// data must hold none (<see cref="SitePlan.BootDataWithoutSecrets"/>): there the node makes its own host key.
/// Virtual machines get full cloud-init (`ssh_keys`, `users`); containers of the local cloud get
/// the subset it applies (`hostname`, `write_files`, `ssh_authorized_keys`: it refuses other keys),
/// with the host key written as files before sshd starts. GridSpan logs in as root, except on VMs
/// whose cluster user is an ordinary one: there cloud-init makes <see cref="AdminUser"/>, with sudo,
/// for GridSpan's key only. The cluster user itself is made by the node's bundle, the same way everywhere.
/// </summary>
public static class CloudInitRenderer
{
    /// <summary>GridSpan's own account on VMs whose cluster user is not root: passwordless sudo, GridSpan's key only.</summary>
    public const string AdminUser = "gridspan";

    /// <summary>The keys the local cloud's containers accept (docs/local-cloud.md).</summary>
    public static IReadOnlyList<string> ContainerKeys { get; } = ["hostname", "write_files", "runcmd", "ssh_authorized_keys"];

    public static string Render(ClusterPlan plan, NodePlan node, ClusterSecrets secrets, NodeRuntime runtime = NodeRuntime.VirtualMachine)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(secrets);
        var hostKey = secrets.HostKeys[node.Name];
        // Root's keys: GridSpan's, and yours only when root is the cluster user (an ordinary user's keys open its own account only).
        var keys = (plan.User == "root" ? plan.UserPublicKeys : []).Append(secrets.ClusterSsh.PublicKey).ToList();
        var authorizedKeys = YamlWriter.List(keys.Select(YamlWriter.Text));
        var comment = $"# First boot of {node.Name} ({node.Role.ToString().ToLowerInvariant()}, site {node.Site})";
        if (runtime == NodeRuntime.Container)
        {
            return YamlWriter.Write(
                YamlWriter.Map(
                    ("hostname", YamlWriter.Text(node.Name)),
                    ("write_files", YamlWriter.List([
                        YamlWriter.Map(
                            ("path", YamlWriter.Text(NodePaths.HostKey)),
                            ("permissions", YamlWriter.Text("0600")),
                            ("owner", YamlWriter.Text("root:root")),
                            ("content", YamlWriter.Block(hostKey.PrivateKey.TrimEnd('\n') + "\n"))),
                        YamlWriter.Map(
                            ("path", YamlWriter.Text(NodePaths.HostKey + ".pub")),
                            ("permissions", YamlWriter.Text("0644")),
                            ("owner", YamlWriter.Text("root:root")),
                            ("content", YamlWriter.Text(hostKey.PublicKey + "\n"))),
                    ])),
                    ("ssh_authorized_keys", authorizedKeys)),
                "#cloud-config", comment + " on the local cloud, rendered by GridSpan.");
        }
        var root = YamlWriter.Map(
            ("hostname", YamlWriter.Text(node.Name)),
            ("fqdn", YamlWriter.Text($"{node.Name}.{plan.Domain}")),
            ("prefer_fqdn_over_hostname", YamlWriter.Literal(false)),
            ("manage_etc_hosts", YamlWriter.Literal(false)),
            ("ssh_pwauth", YamlWriter.Literal(false)),
            ("ssh_deletekeys", YamlWriter.Literal(true)));
        if (plan.Site(node.Site).BootDataWithoutSecrets)
        {
            // The node makes its own key and prints it on its console, where the cloud reports it for the first login;
            // the pre-generated key follows with the node's bundle over SSH.
            root.Add(YamlWriter.Text("ssh_genkeytypes"), YamlWriter.List([YamlWriter.Text("ed25519")]));
            root.Add(YamlWriter.Text("emit_keys_to_console"), YamlWriter.Literal(true));
        }
        else
        {
            root.Add(YamlWriter.Text("ssh_genkeytypes"), YamlWriter.List([]));
            root.Add(YamlWriter.Text("ssh_keys"), YamlWriter.Map(
                ("ed25519_private", YamlWriter.Block(hostKey.PrivateKey.TrimEnd('\n') + "\n")),
                ("ed25519_public", YamlWriter.Text(hostKey.PublicKey))));
        }
        if (plan.User == "root")
        {
            root.Add(YamlWriter.Text("disable_root"), YamlWriter.Literal(false));
            root.Add(YamlWriter.Text("ssh_authorized_keys"), authorizedKeys);
        }
        else
        {
            root.Add(YamlWriter.Text("users"), YamlWriter.List([
                YamlWriter.Map(
                    ("name", YamlWriter.Text(AdminUser)),
                    ("gecos", YamlWriter.Text("GridSpan (configures this node)")),
                    ("shell", YamlWriter.Text("/bin/bash")),
                    ("lock_passwd", YamlWriter.Literal(true)),
                    ("sudo", YamlWriter.Text("ALL=(ALL) NOPASSWD:ALL")),
                    ("ssh_authorized_keys", authorizedKeys)),
            ]));
        }
        return YamlWriter.Write(root, "#cloud-config", comment + ", rendered by GridSpan.");
    }
}
