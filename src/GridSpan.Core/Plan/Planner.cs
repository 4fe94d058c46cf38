using System.Collections.Immutable;
using System.Net;
using GridSpan.Common;
using GridSpan.Config;

namespace GridSpan.Plan;

/// <summary>
/// Turns a validated <see cref="ClusterSpec"/> into a <see cref="ClusterPlan"/>. Pure and
/// deterministic: the same spec and flavors give the same plan, byte for byte once serialised.
/// </summary>
public static class Planner
{
    /// <summary>The UDP port of WireGuard on every VPN node.</summary>
    public const int WireGuardPort = 51820;

    /// <summary>IKE's UDP port, where the ipsec overlay's tunnels are negotiated.</summary>
    public const int IkePort = 500;

    /// <summary>IKE's and ESP's UDP port once NAT is detected, which every ipsec tunnel of GridSpan's uses (it forces UDP encapsulation).</summary>
    public const int IkeNatTraversalPort = 4500;

    /// <summary>VXLAN's UDP port (IANA) on the switch and every node.</summary>
    public const int VxlanPort = 4789;

    public static ClusterPlan Plan(ClusterSpec spec, FlavorCatalog flavors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(flavors);
        var warnings = new List<string>();
        var multiSite = spec.Sites.Length > 1;
        var domain = $"{spec.Name}.gridspan";
        var masterName = NodeNames.Master(spec.Name);

        FlavorSize SizeOf(string site, string flavor)
        {
            if (flavors.Find(site, flavor) is { } size)
            {
                return size;
            }
            var warning = $"site '{site}': flavor '{flavor}' is unknown to its provider; planned as {FlavorCatalog.Fallback.Cpus} CPU and " +
                $"{FlavorCatalog.Fallback.MemoryMiB} MiB, so Slurm under-uses bigger servers";
            if (!warnings.Contains(warning))
            {
                warnings.Add(warning);
            }
            return FlavorCatalog.Fallback;
        }

        var subnets = ChooseSubnets(spec);
        var vxlan = spec.Overlay.Kind == OverlayKind.Vxlan;
        // Under vxlan the sites are still joined by the WireGuard mesh, which the VXLAN tunnels ride on.
        var meshCidr = spec.Overlay.MeshCidr;
        var overlayOverhead = OverlayOverhead.Of(vxlan ? OverlayKind.WireGuard : spec.Overlay.Kind);
        var tunnelDevice = OverlayPlan.DeviceOf(spec.Overlay.Kind);
        if (multiSite && spec.Sites.Length + 2 > Ipv4.Size(meshCidr))
        {
            throw GridSpanException.InvalidConfig(
                $"the overlay {meshCidr} has room for {Ipv4.Size(meshCidr) - 2} VPN nodes but the cluster has {spec.Sites.Length}",
                $"give overlay.{(vxlan ? "tunnelCidr" : "cidr")} a larger range such as a /24");
        }

        // Nodes and their site addresses: the VPN node first, then every group's static workers,
        // then every group's on-demand workers, so adding on-demand nodes never moves a static one.
        var nodes = new List<NodePlan>();
        var sitePlans = new List<(SiteSpec Spec, IPNetwork Subnet, bool Chosen, int Mtu, NodePlan Vpn, IPAddress Last, IPAddress? OnDemandFirst, IPAddress? OnDemandLast, List<GroupPlan> Groups)>();
        for (var siteIndex = 0; siteIndex < spec.Sites.Length; siteIndex++)
        {
            var site = spec.Sites[siteIndex];
            var (subnet, chosen) = subnets[siteIndex];
            var mtu = site.Settings.Mtu ?? Mtu.SiteDefault;
            IPAddress? overlayAddress = multiSite ? Ipv4.At(meshCidr, siteIndex + 1) : null;
            NodePlan vpn;
            if (site.Master is { } master)
            {
                var size = SizeOf(site.Name, master.Flavor);
                vpn = new NodePlan(masterName, NodeRole.Master, site.Name, null, false, master.Flavor, master.Image, size.Cpus, size.MemoryMiB,
                    master.Compute ? [site.Name, "master"] : [], Ipv4.At(subnet, SiteSubnets.FirstNodeOffset), overlayAddress, master.Compute);
            }
            else if (site.Switch is { } switchSpec)
            {
                var size = SizeOf(site.Name, switchSpec.Flavor);
                vpn = new NodePlan(NodeNames.Switch(spec.Name, site.Name), NodeRole.Switch, site.Name, null, false, switchSpec.Flavor, switchSpec.Image,
                    size.Cpus, size.MemoryMiB, [], Ipv4.At(subnet, SiteSubnets.FirstNodeOffset), overlayAddress, false);
            }
            else
            {
                var gateway = site.Gateway ?? throw GridSpanException.InvalidConfig(
                    $"site '{site.Name}' has neither a master nor a gateway", $"add `gateway:` to site '{site.Name}'");
                var size = SizeOf(site.Name, gateway.Flavor);
                vpn = new NodePlan(NodeNames.Gateway(spec.Name, site.Name), NodeRole.Gateway, site.Name, null, false, gateway.Flavor, gateway.Image,
                    size.Cpus, size.MemoryMiB, [], Ipv4.At(subnet, SiteSubnets.FirstNodeOffset), overlayAddress, false);
            }
            nodes.Add(vpn);

            long offset = SiteSubnets.FirstNodeOffset + 1;
            var staticNodes = new List<NodePlan>();
            var onDemandNodes = new List<NodePlan>();
            var groups = new List<GroupPlan>();
            foreach (var pass in new[] { false, true })
            {
                foreach (var group in site.Workers)
                {
                    var size = SizeOf(site.Name, group.Flavor);
                    var width = NodeNames.NumberWidth(group.Count + group.OnDemand);
                    var features = GroupFeatures(site, group);
                    var (first, count) = pass ? (group.Count + 1, group.OnDemand) : (1, group.Count);
                    for (var i = 0; i < count; i++)
                    {
                        var node = new NodePlan(NodeNames.Worker(spec.Name, site.Name, group.Name, first + i, width), NodeRole.Worker, site.Name, group.Name,
                            pass, group.Flavor, group.Image, size.Cpus, size.MemoryMiB, features, Ipv4.At(subnet, offset++), null, true);
                        (pass ? onDemandNodes : staticNodes).Add(node);
                    }
                }
            }
            foreach (var group in site.Workers)
            {
                var size = SizeOf(site.Name, group.Flavor);
                groups.Add(new GroupPlan(group.Name, PartitionName(site.Name, group.Name), group.Flavor, group.Image, size.Cpus, size.MemoryMiB,
                    GroupFeatures(site, group),
                    group.Count, group.OnDemand,
                    Hostlist.Format(staticNodes.Where(n => n.Group == group.Name).Select(n => n.Name)),
                    Hostlist.Format(onDemandNodes.Where(n => n.Group == group.Name).Select(n => n.Name))));
            }
            nodes.AddRange(staticNodes);
            nodes.AddRange(onDemandNodes);
            var last = Ipv4.At(subnet, offset - 1);
            sitePlans.Add((site, subnet, chosen, mtu, vpn, last, onDemandNodes.Count > 0 ? onDemandNodes[0].Address : null,
                onDemandNodes.Count > 0 ? onDemandNodes[^1].Address : null, groups));
        }

        // The overlay: a full mesh between the master and every gateway; each link's MTU is that of
        // the smaller of its two sites minus the tunnel's overhead.
        int LinkMtu(int a, int b)
        {
            var mtu = Math.Min(sitePlans[a].Mtu, sitePlans[b].Mtu) - overlayOverhead;
            if (spec.Overlay.Kind == OverlayKind.Ipsec && (sitePlans[a].Spec.Settings.Runtime == NodeRuntime.Container || sitePlans[b].Spec.Settings.Runtime == NodeRuntime.Container))
            {
                mtu = Math.Min(mtu, Mtu.UserspaceIpsec);
            }
            if (mtu < Mtu.Minimum)
            {
                throw GridSpanException.InvalidConfig(
                    $"the tunnel between sites '{sitePlans[a].Spec.Name}' and '{sitePlans[b].Spec.Name}' would have an MTU of {mtu}, below IPv4's minimum of {Mtu.Minimum}",
                    $"raise the sites' MTU to at least {Mtu.Minimum + overlayOverhead}");
            }
            return mtu;
        }
        var links = ImmutableArray.CreateBuilder<OverlayLink>();
        var members = ImmutableArray.CreateBuilder<VpnNodePlan>();
        var workerRoutes = new List<ImmutableArray<RoutePlan>>();
        var allSubnets = sitePlans.Select(s => s.Subnet).ToList();
        for (var a = 0; a < sitePlans.Count; a++)
        {
            for (var b = a + 1; b < sitePlans.Count; b++)
            {
                links.Add(new OverlayLink(sitePlans[a].Vpn.Name, sitePlans[b].Vpn.Name, LinkMtu(a, b)));
            }
        }
        for (var a = 0; a < sitePlans.Count; a++)
        {
            var me = sitePlans[a];
            var routes = ImmutableArray.CreateBuilder<RoutePlan>();
            var viaVpn = ImmutableArray.CreateBuilder<RoutePlan>();
            var peerMtus = new List<int>();
            for (var b = 0; b < sitePlans.Count; b++)
            {
                if (a == b)
                {
                    continue;
                }
                var peer = sitePlans[b];
                var mtu = LinkMtu(a, b);
                peerMtus.Add(mtu);
                routes.Add(new RoutePlan(peer.Subnet, null, tunnelDevice, mtu, me.Vpn.Address));
                routes.Add(new RoutePlan(Ipv4.Host(peer.Vpn.OverlayAddress!), null, tunnelDevice, mtu, null));
                viaVpn.Add(new RoutePlan(peer.Subnet, me.Vpn.Address, null, mtu, null));
            }
            if (multiSite)
            {
                viaVpn.Add(new RoutePlan(meshCidr, me.Vpn.Address, null, peerMtus.Min(), null));
                members.Add(new VpnNodePlan(me.Vpn.Name, me.Spec.Name, me.Vpn.OverlayAddress!, me.Vpn.Address, peerMtus.Max(), routes.ToImmutable(),
                    [.. allSubnets.Where(s => !s.Equals(me.Subnet)), meshCidr]));
            }
            workerRoutes.Add(viaVpn.ToImmutable());
        }

        var sites = sitePlans.Select((s, i) => new SitePlan(s.Spec.Name, s.Spec.Provider, s.Subnet, s.Chosen, s.Mtu, s.Vpn.Name, s.Vpn.Address,
            Ipv4.At(s.Subnet, SiteSubnets.FirstNodeOffset), s.Last, s.OnDemandFirst, s.OnDemandLast, [.. s.Groups], workerRoutes[i],
            s.Spec.Settings.Runtime, !s.Spec.Settings.BootDataMayHoldSecrets)).ToImmutableArray();
        var switchPlan = vxlan ? PlanSwitch(spec, nodes, sitePlans.Select(s => (s.Spec.Name, s.Mtu)).ToList(), LinkMtu) : null;
        var nodeArray = nodes.ToImmutableArray();
        var ipsec = spec.Overlay.Kind == OverlayKind.Ipsec;
        var overlay = new OverlayPlan(spec.Overlay.Kind, meshCidr, overlayOverhead, ipsec ? IkePort : WireGuardPort, members.ToImmutable(), links.ToImmutable())
        {
            Switch = switchPlan,
        };
        var clusterRanges = multiSite ? allSubnets.Append(meshCidr).ToImmutableArray() : [.. allSubnets];
        if (switchPlan is not null)
        {
            clusterRanges = clusterRanges.Add(switchPlan.Cidr);
        }

        return new ClusterPlan(
            ClusterPlan.CurrentFormatVersion,
            spec.Name,
            domain,
            spec.Ssh.User,
            spec.Ssh.PublicKeys,
            masterName,
            sites,
            nodeArray,
            overlay,
            PlanSlurm(spec, sites, nodeArray),
            [.. nodeArray.Select(n => new DnsRecord($"{n.Name}.{domain}", n.Name, n.ClusterAddress))],
            new StoragePlan(masterName, nodeArray[0].ClusterAddress, [.. spec.Storage.Shares.Select(p => new ExportPlan(p, clusterRanges))]),
            PlanFirewall(clusterRanges, multiSite, ipsec, switchPlan, sites),
            PlanSecrets(nodeArray, overlay),
            [.. warnings])
        {
            UserSudo = spec.Ssh.Sudo,
        };
    }

    /// <summary>
    /// The vxlan overlay: the switch at the segment's first address, every other node after it in plan
    /// order (each node's VNI is its offset). One VXLAN device per node on the switch rather than one
    /// device with a forwarding entry per node: with one device the bridge would have to send frames back
    /// out of the port they came in (hairpin) and flood every broadcast to every node through one queue;
    /// with a port per node the bridge switches between ports as any switch does, learns each node's MAC
    /// on its own port, keeps counters per node, and a node joins or leaves by one `ip link` of its own.
    /// </summary>
    /// <param name="nodes">Changed in place: every node gets its segment address.</param>
    private static SwitchPlan PlanSwitch(ClusterSpec spec, List<NodePlan> nodes, List<(string Name, int Mtu)> sites, Func<int, int, int> linkMtu)
    {
        var cidr = spec.Overlay.Cidr;
        var switchIndex = nodes.FindIndex(n => n.Role == NodeRole.Switch);
        var switchNode = nodes[switchIndex];
        var switchSite = sites.FindIndex(s => s.Name == switchNode.Site);
        if (nodes.Count + 1 >= Ipv4.Size(cidr))
        {
            throw GridSpanException.InvalidConfig(
                $"the overlay {cidr} has room for {Ipv4.Size(cidr) - 2} addresses but the switch and its nodes need {nodes.Count}",
                "give overlay.cidr a larger range such as a /16");
        }
        var switchAddress = Ipv4.At(cidr, 1);
        nodes[switchIndex] = switchNode with { SwitchedAddress = switchAddress };
        var ports = ImmutableArray.CreateBuilder<SwitchPortPlan>();
        var offset = 2;
        for (var i = 0; i < nodes.Count; i++)
        {
            if (i == switchIndex)
            {
                continue;
            }
            var node = nodes[i];
            var site = sites.FindIndex(s => s.Name == node.Site);
            // The switch is alone in its site: every node reaches it through the WireGuard tunnel between their sites.
            var pathMtu = linkMtu(site, switchSite);
            var address = Ipv4.At(cidr, offset);
            nodes[i] = node with { SwitchedAddress = address };
            ports.Add(new SwitchPortPlan(node.Name, offset, $"vx{offset}", node.Address, address, pathMtu, node.OnDemand));
            offset++;
        }
        var overhead = OverlayOverhead.Of(OverlayKind.Vxlan);
        var narrowest = ports.MinBy(p => p.UnderlayPathMtu)!;
        var mtu = narrowest.UnderlayPathMtu - overhead;
        if (mtu < Mtu.Minimum)
        {
            throw GridSpanException.InvalidConfig(
                $"the VXLAN segment would have an MTU of {mtu} (the path from {narrowest.Node} to the switch allows {narrowest.UnderlayPathMtu}, VXLAN takes {overhead}), below IPv4's minimum of {Mtu.Minimum}",
                $"raise the sites' MTU so that every path to the switch allows at least {Mtu.Minimum + overhead}");
        }
        return new SwitchPlan(switchNode.Name, switchNode.Site, cidr, switchAddress, switchNode.Address, mtu, VxlanPort, ports.ToImmutable());
    }

    private static string PartitionName(string site, string group) => $"{site}-{group}";

    /// <summary>A group's Slurm features: its site, its name, then the user's.</summary>
    private static ImmutableArray<string> GroupFeatures(SiteSpec site, WorkerGroupSpec group) =>
        [.. new[] { site.Name, group.Name }.Concat(group.Features).Distinct(StringComparer.Ordinal)];

    private static List<(IPNetwork Subnet, bool Chosen)> ChooseSubnets(ClusterSpec spec) =>
        [.. SiteSubnets.Choose(spec).Select(choice => choice.Subnet is { } subnet
            ? (subnet, choice.Chosen)
            : throw GridSpanException.InvalidConfig(choice.Problem!, choice.Fix))];

    private static SlurmPlan PlanSlurm(ClusterSpec spec, ImmutableArray<SitePlan> sites, ImmutableArray<NodePlan> nodes)
    {
        var slurmNodes = nodes.Where(n => n.RunsJobs).ToList();
        var sets = ImmutableArray.CreateBuilder<SlurmNodeSet>();
        var partitions = ImmutableArray.CreateBuilder<PartitionPlan>();
        var names = new HashSet<string>(StringComparer.Ordinal) { "all" };
        if (slurmNodes.Count > 0)
        {
            partitions.Add(new PartitionPlan("all", Hostlist.Format(slurmNodes.Select(n => n.Name)), true, null, null));
        }
        foreach (var site in sites)
        {
            var siteNodes = slurmNodes.Where(n => n.Site == site.Name).ToList();
            if (siteNodes.Count == 0)
            {
                continue;
            }
            foreach (var master in siteNodes.Where(n => n.Role == NodeRole.Master))
            {
                sets.Add(new SlurmNodeSet(master.Name, site.Name, null, false, master.Cpus, RealMemory(master.MemoryMiB), master.Features));
            }
            AddPartition(site.Name, siteNodes, site.Name, null);
            foreach (var group in site.Groups)
            {
                if (group.StaticNodes.Length > 0)
                {
                    sets.Add(new SlurmNodeSet(group.StaticNodes, site.Name, group.Name, false, group.Cpus, RealMemory(group.MemoryMiB), group.Features));
                }
                if (group.OnDemandNodes.Length > 0)
                {
                    sets.Add(new SlurmNodeSet(group.OnDemandNodes, site.Name, group.Name, true, group.Cpus, RealMemory(group.MemoryMiB), group.Features));
                }
                AddPartition(group.Partition, siteNodes.Where(n => n.Group == group.Name).ToList(), site.Name, group.Name);
            }
        }
        return new SlurmPlan(spec.Name, NodeNames.Master(spec.Name), spec.Slurm.SuspendTime, spec.Slurm.ResumeTimeout,
            Hostlist.Format(slurmNodes.Where(n => !n.OnDemand).Select(n => n.Name)),
            Hostlist.Format(slurmNodes.Where(n => n.OnDemand).Select(n => n.Name)),
            sets.ToImmutable(), partitions.ToImmutable());

        void AddPartition(string name, List<NodePlan> members, string site, string? group)
        {
            if (members.Count == 0)
            {
                return;
            }
            if (!names.Add(name))
            {
                throw GridSpanException.InvalidConfig(
                    $"two Slurm partitions would be named '{name}' (partitions are named after sites and <site>-<group>)",
                    "rename a site or a worker group so the names differ");
            }
            partitions.Add(new PartitionPlan(name, Hostlist.Format(members.Select(n => n.Name)), false, site, group));
        }
    }

    /// <summary>Memory Slurm may give to jobs: the flavor's minus max(256 MiB, 5 %) for the system, so a node never reports less than configured.</summary>
    public static long RealMemory(long flavorMiB) => Math.Max(128, flavorMiB - Math.Max(256, flavorMiB / 20));

    private static FirewallPlan PlanFirewall(ImmutableArray<IPNetwork> clusterRanges, bool multiSite, bool ipsec, SwitchPlan? switchPlan, ImmutableArray<SitePlan> sites)
    {
        ImmutableArray<int> tunnelPorts = ipsec ? [IkePort, IkeNatTraversalPort] : [WireGuardPort];
        var tunnelWhy = ipsec
            ? $"IKE and ESP in UDP (UDP {IkePort} and {IkeNatTraversalPort}) from the other VPN nodes' public addresses only, added once they exist (FirewallPlan.VpnPeerRules)"
            : $"WireGuard (UDP {WireGuardPort}) from the other VPN nodes' public addresses only, added once they exist (FirewallPlan.VpnPeerRules)";
        var anywhere = new IPNetwork(IPAddress.Any, 0);
        var fromCluster = clusterRanges.Select(r => new SecurityRule(IpProtocol.Any, 0, 0, r)).ToImmutableArray();
        ImmutableArray<SecurityRule> vpnRules = [new SecurityRule(IpProtocol.Tcp, 22, 22, anywhere), new SecurityRule(IpProtocol.Icmp, 0, 0, anywhere), .. fromCluster];
        ImmutableArray<string> vpnWhy =
        [
            "SSH (TCP 22) from anywhere: GridSpan and users log in here, and reach private nodes through it",
            "ICMP from anywhere: path MTU discovery for the tunnel's outer packets",
            "everything from the cluster ranges: Slurm, srun and MPI ports, DNS, shared storage, and traffic this node forwards between sites",
            multiSite ? tunnelWhy : "no VPN: the cluster has one site",
        ];
        var roles = ImmutableArray.CreateBuilder<RoleFirewall>();
        roles.Add(new RoleFirewall(NodeRole.Master, vpnRules, vpnWhy));
        roles.Add(new RoleFirewall(NodeRole.Gateway, vpnRules, vpnWhy));
        roles.Add(new RoleFirewall(NodeRole.Worker, fromCluster,
            ["everything from the cluster ranges (SSH, slurmd, srun and MPI ports); nothing from outside: workers have no public address"]));
        if (switchPlan is not null)
        {
            // The switch takes VXLAN only from the sites whose nodes have a port on it, and nothing else from the cluster.
            var nodeSites = sites.Where(s => s.Name != switchPlan.Site).Select(s => s.Subnet).ToList();
            roles.Add(new RoleFirewall(NodeRole.Switch,
                [
                    new SecurityRule(IpProtocol.Tcp, 22, 22, anywhere),
                    new SecurityRule(IpProtocol.Icmp, 0, 0, anywhere),
                    .. nodeSites.Select(subnet => new SecurityRule(IpProtocol.Udp, switchPlan.Port, switchPlan.Port, subnet)),
                ],
                [
                    "SSH (TCP 22) from anywhere: GridSpan logs in here",
                    "ICMP from anywhere: path MTU discovery for the tunnels' outer packets",
                    $"VXLAN (UDP {switchPlan.Port}) from the subnets of the sites whose nodes have a port on the switch, and nothing else from the cluster",
                    tunnelWhy,
                ]));
        }
        return new FirewallPlan(clusterRanges, tunnelPorts, roles.ToImmutable());
    }

    private static ImmutableArray<SecretRequirement> PlanSecrets(ImmutableArray<NodePlan> nodes, OverlayPlan overlay)
    {
        var all = Hostlist.Format(nodes.Select(n => n.Name));
        var builder = ImmutableArray.CreateBuilder<SecretRequirement>();
        builder.Add(new SecretRequirement("munge-key", SecretKind.MungeKey, "authenticates every Slurm message",
            Hostlist.Format(nodes.Where(n => n.RunsJobs || n.Role == NodeRole.Master).Select(n => n.Name))));
        if (overlay.Kind == OverlayKind.Ipsec)
        {
            foreach (var link in overlay.Links)
            {
                builder.Add(new SecretRequirement($"ipsec/{link.Name}", SecretKind.IpsecPreSharedKey,
                    "authenticates the IKE peers of one tunnel; only its two ends have it", Hostlist.Format([link.From, link.To])));
            }
        }
        else
        {
            foreach (var node in nodes.Where(n => n.IsVpnNode))
            {
                builder.Add(new SecretRequirement($"wireguard/{node.Name}", SecretKind.WireGuardKeyPair,
                    "the node's tunnel key; only its public half leaves the node", node.Name));
            }
        }
        builder.Add(new SecretRequirement("ssh/cluster", SecretKind.SshKeyPair,
            "GridSpan's own logins (root, or its sudo account on VMs), from your machine and from the master's on-demand hooks; on no node",
            Hostlist.Format(nodes.Where(n => n.Role == NodeRole.Master).Select(n => n.Name))));
        builder.Add(new SecretRequirement("ssh/user", SecretKind.SshKeyPair, "passwordless SSH between all nodes for the cluster user", all));
        builder.Add(new SecretRequirement("ssh/storage", SecretKind.SshKeyPair,
            "mounts the shares over SFTP on nodes without an NFS client; the master accepts it for SFTP only",
            Hostlist.Format(nodes.Where(n => n.Role is not (NodeRole.Master or NodeRole.Switch)).Select(n => n.Name))));
        builder.Add(new SecretRequirement("ssh/host-keys", SecretKind.SshHostKeys,
            "one ed25519 host key per node, installed at first boot and pinned in every node's known hosts", all));
        return builder.ToImmutable();
    }
}
