using System.Collections.Immutable;
using GridSpan.Config.Shapes;

namespace GridSpan.Config;

/// <summary>
/// The format of cluster.yaml, described once. The loader checks files against it and
/// `gridspan schema` turns it into a JSON Schema; the providers add their own site sections.
/// </summary>
public static class ClusterFormat
{
    public const string DefaultImage = "debian-12";

    public const string DefaultOverlayCidr = "10.99.0.0/24";

    public const string DefaultTunnelCidr = "10.98.0.0/24";

    /// <summary>A DNS label as node names need it: lowercase letters, digits, inner hyphens.</summary>
    public const string HostLabelFormat = "hostname";

    public static ImmutableArray<string> OverlayKinds { get; } = ["wireguard", "ipsec", "vxlan"];

    // Declared before the shapes that use them: static initialisers run in textual order.
    private static StringShape Flavor { get; } = new("The size of the node as the site's provider names it, e.g. small");

    private static StringShape Image { get; } = new("The operating system image as the site's provider names it");

    public static ObjectShape Root(IProviderCatalog providers) => new(
        "A GridSpan cluster: a Slurm cluster spanning one or more sites.",
        [
            new Field("name", Name("The cluster's name, the first part of every node's host name (lowercase letters, digits and hyphens)"), Required: true),
            new Field("ssh", Ssh),
            new Field("sites", new ListShape("The sites (clouds or servers) of the cluster; the first site hosts the master.", Site(providers)), Required: true),
            new Field("overlay", Overlay),
            new Field("storage", Storage),
            new Field("slurm", Slurm),
        ]);

    public static ObjectShape Ssh { get; } = new(
        "How GridSpan and the cluster's users log in to the nodes.",
        [
            new Field("user", new StringShape(
                "The cluster's user: jobs, passwordless SSH between nodes and your publicKeys; an ordinary account with the same uid on every node, or root",
                Pattern: "[a-z_][a-z0-9_-]{0,31}"), Default: "root"),
            new Field("sudo", new BooleanShape("Whether the cluster user may run any command as root with sudo, without a password (not for root, who needs none)"),
                Default: false),
            new Field("publicKeys", new ListShape(
                "Public keys authorised on every node: paths of OpenSSH .pub files (relative to this file's directory, ~ for your home) or key lines themselves.",
                new StringShape("A path to an OpenSSH public key file, such as ~/.ssh/id_ed25519.pub, or a key line 'ssh-ed25519 AAAA... comment'", Format: "path")),
                Default: ImmutableArray<string>.Empty),
        ]);

    public static ObjectShape Site(IProviderCatalog providers)
    {
        var fields = ImmutableArray.CreateBuilder<Field>();
        fields.Add(new Field("name", Name("The site's name, part of its nodes' host names (lowercase letters, digits and hyphens)"), Required: true));
        fields.Add(new Field("provider", new StringShape(
            "The kind of site: " + string.Join("; ", providers.All.Select(p => $"{p.Name}: {p.Description}")),
            AllowedValues: [.. providers.Names]), Required: true));
        foreach (var provider in providers.All)
        {
            fields.Add(new Field(provider.Name, provider.SettingsShape with
            {
                Description = $"Settings for provider: {provider.Name} (only on sites of that provider). {provider.SettingsShape.Description}",
            }));
        }
        fields.Add(new Field("master", Master));
        fields.Add(new Field("gateway", Gateway));
        fields.Add(new Field("switch", Switch));
        fields.Add(new Field("workers", new ListShape("The site's groups of worker nodes.", WorkerGroup), Default: ImmutableArray<string>.Empty));
        return new ObjectShape("One site: a cloud project, a server, or a network on this machine.", fields.ToImmutable());
    }

    public static ObjectShape Master { get; } = new(
        "The cluster's master (Slurm controller, DNS, NFS server); exactly one, on the first site.",
        [
            new Field("flavor", Flavor, Required: true),
            new Field("image", Image, Default: DefaultImage),
            new Field("compute", new BooleanShape("Whether the master also runs jobs"), Default: false),
        ]);

    public static ObjectShape Gateway { get; } = new(
        "The site's VPN gateway, which joins it to the other sites; required on every site but the first.",
        [
            new Field("flavor", Flavor, Required: true),
            new Field("image", Image, Default: DefaultImage),
        ]);

    public static ObjectShape Switch { get; } = new(
        "The software switch of the vxlan overlay (a Linux bridge with one VXLAN port per node), alone in its site: a site with a switch has no master, gateway or workers.",
        [
            new Field("flavor", Flavor, Required: true),
            new Field("image", Image, Default: DefaultImage),
        ]);

    public static ObjectShape WorkerGroup { get; } = new(
        "A group of identical worker nodes, named <cluster>-<site>-<group>-001 and up; also a Slurm partition.",
        [
            new Field("name", Name("The group's name, part of its nodes' host names (lowercase letters, digits and hyphens)"), Required: true),
            new Field("flavor", Flavor, Required: true),
            new Field("image", Image, Default: DefaultImage),
            new Field("count", new IntegerShape("The number of always-on nodes", 0, 10_000), Default: 0),
            new Field("onDemand", new IntegerShape("The number of nodes Slurm may start when jobs wait, and deletes when idle", 0, 10_000), Default: 0),
            new Field("features", new ListShape("Slurm features of the nodes, for --constraint (letters, digits, '_', '.', '-')",
                new StringShape("A Slurm feature name such as highmem", Pattern: "[A-Za-z0-9_.-]+")), Default: ImmutableArray<string>.Empty),
        ]);

    public static ObjectShape Overlay { get; } = new(
        "The network that joins the nodes: wireguard or ipsec between sites, or vxlan through one software switch (over wireguard between sites).",
        [
            new Field("kind", new StringShape("The overlay technology: wireguard, ipsec or vxlan", AllowedValues: OverlayKinds), Default: "wireguard"),
            new Field("cidr", new StringShape(
                "The IPv4 range of the overlay addresses, e.g. 10.99.0.0/24: wireguard and ipsec give them to the master and gateways, vxlan to every node and the switch; it must not overlap a site's subnet",
                Format: "cidr"), Default: DefaultOverlayCidr),
            new Field("tunnelCidr", new StringShape(
                "kind: vxlan only: the IPv4 range of the WireGuard tunnel between sites that carries the VXLAN tunnels to the switch",
                Format: "cidr"), Default: DefaultTunnelCidr),
        ]);

    public static ObjectShape Storage { get; } = new(
        "The shared file system.",
        [
            new Field("shares", new ListShape("Absolute paths the master exports over NFS and every node mounts.",
                new StringShape("An absolute path such as /home", Format: "path")), Default: ImmutableArray.Create("/home")),
        ]);

    public static ObjectShape Slurm { get; } = new(
        "Slurm settings.",
        [
            new Field("suspendTime", new IntegerShape("Seconds an on-demand node may idle before Slurm deletes it", 30, 604_800), Default: 300),
            new Field("resumeTimeout", new IntegerShape("Seconds Slurm waits for an on-demand node to come up before it marks it down", 60, 86_400), Default: 300),
        ]);

    private static StringShape Name(string description) => new(description, Format: HostLabelFormat);

}
