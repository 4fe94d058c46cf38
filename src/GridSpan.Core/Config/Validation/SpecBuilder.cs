using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using GridSpan.Common;

namespace GridSpan.Config.Validation;

/// <summary>
/// Builds the <see cref="ClusterSpec"/> from a shape-checked file and applies the rules that relate
/// values to each other (one master on the first site, gateways, unique names, disjoint subnets...).
/// A value that failed its shape is absent here, so one mistake gives one error.
/// </summary>
internal sealed class SpecBuilder(IProviderCatalog providers, PublicKeyReader keyReader, ICollection<ConfigError> errors)
{
    /// <summary>Node numbers have at least three digits: demo-berlin-cpu-001.</summary>
    private const int MinimumNumberWidth = 3;

    private const string FirstSitePath = "sites[0]";

    private readonly List<SiteSubnet> _siteSubnets = [];

    /// <summary>Every reserved range: everywhere, and those of the providers the sites use.</summary>
    private readonly List<(IPNetwork Range, string Meaning)> _reserved = [.. ReservedRanges.Everywhere];

    private sealed record SiteSubnet(IPNetwork Subnet, SourceLocation Location, string Path, string Site);

    /// <param name="shapeErrors">Whether the shapes already found errors; rules about the whole cluster then stay quiet.</param>
    public ClusterSpec? Build(ConfigSection root, bool shapeErrors)
    {
        ClusterLimits.Check(root, errors);
        var name = HostLabelOf(root, "name", "cluster");
        if (name is not null)
        {
            CheckHostName(root, "name", "the master's", NodeNames.Master(name), "the cluster name");
        }
        var ssh = BuildSsh(root.SectionOrEmpty("ssh"));
        var sites = BuildSites(root, name, shapeErrors);
        var overlay = BuildOverlay(root.SectionOrEmpty("overlay"), root.Sections("sites").Length, sites);
        var storage = BuildStorage(root.SectionOrEmpty("storage"));
        var slurm = root.SectionOrEmpty("slurm");
        NameClashRules.Check(root.Sections("sites"), errors);
        OverlayKindRules.Check(root.Sections("sites"), root.SectionOrEmpty("overlay"), errors);
        SwitchRules.Check(root.Sections("sites"), root.SectionOrEmpty("overlay"), errors);

        if (errors.Count > 0 || name is null || sites is null || overlay is null)
        {
            return null;
        }
        var spec = new ClusterSpec(name, ssh, sites.Value, overlay, storage,
            new SlurmSpec((int)slurm.IntegerOrDefault("suspendTime"), (int)slurm.IntegerOrDefault("resumeTimeout")));
        // Rules on the whole cluster, as the planner will see it.
        CapacityRules.Check(spec, root.Sections("sites"), errors);
        return errors.Count > 0 ? null : spec;
    }

    /// <summary>Accounts the nodes' system or GridSpan itself own: a cluster user of that name would share them.</summary>
    public static ImmutableArray<string> ReservedUsers { get; } =
    [
        "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc",
        "gnats", "nobody", "_apt", "messagebus", "sshd", "systemd-network", "systemd-resolve", "systemd-timesync", "systemd-coredump",
        "dnsmasq", "munge", "slurm", "statd", "_rpc", "polkitd", "gridspan", "gridspan-storage",
    ];

    private SshSpec BuildSsh(ConfigSection section)
    {
        var keys = section.StringItems("publicKeys").SelectMany(entry => keyReader.Read(entry)).Distinct(StringComparer.Ordinal);
        var user = section.StringOrDefault("user");
        var sudo = section.BooleanOrDefault("sudo");
        if (ReservedUsers.Contains(user, StringComparer.Ordinal))
        {
            Add(section.LocationOf("user"), section.PathOf("user"), $"'{user}' is an account of the nodes' system or of GridSpan itself",
                "name an ordinary user for the cluster, e.g. user: alice");
        }
        if (user == "root" && sudo)
        {
            Add(section.LocationOf("sudo"), section.PathOf("sudo"), "the cluster user is root, who needs no sudo",
                "remove sudo, or name an ordinary user for the cluster (e.g. user: alice) and keep sudo: true if it should have root rights");
        }
        return new SshSpec(user, [.. keys], sudo);
    }

    private ImmutableArray<SiteSpec>? BuildSites(ConfigSection root, string? clusterName, bool shapeErrors)
    {
        if (root.Value("sites") is CheckedList { Items.Length: 0 } empty && !shapeErrors)
        {
            Add(empty.Location, empty.Path, "the cluster has no site",
                $"add at least one site with a master, e.g. '- {{ name: berlin, provider: {providers.Names.FirstOrDefault() ?? "..."}, master: {{ flavor: small }} }}'");
            return null;
        }
        var sections = root.Sections("sites");
        var sites = ImmutableArray.CreateBuilder<SiteSpec>();
        var siteNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var nodePrefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        var anyMaster = sections.Any(s => s.WasWritten("master"));

        foreach (var site in sections)
        {
            var isFirst = site.KeyPath == FirstSitePath;
            var siteName = HostLabelOf(site, "name", "site");
            if (siteName is not null && !siteNames.TryAdd(siteName, site.KeyPath))
            {
                Add(site.LocationOf("name"), site.PathOf("name"), $"the site name '{siteName}' is already used by {siteNames[siteName]}",
                    "give every site its own name");
                siteName = null;
            }
            var settings = BuildProviderSettings(site, siteName);
            CheckMaster(site, isFirst, anyMaster);
            CheckGateway(site, isFirst);
            if (!isFirst && site.WasWritten("gateway") && clusterName is not null && siteName is not null)
            {
                CheckHostName(site, "name", "the gateway's", NodeNames.Gateway(clusterName, siteName), "the cluster or site name");
            }
            if (site.WasWritten("switch") && clusterName is not null && siteName is not null)
            {
                CheckHostName(site, "name", "the switch's", NodeNames.Switch(clusterName, siteName), "the cluster or site name");
            }
            var workers = BuildWorkers(site, clusterName, siteName, nodePrefixes);
            if (settings is not null && site.GetString("provider") is { } kind && providers.Find(kind) is { } definition)
            {
                CheckMachineChoices(site, definition);
            }
            if (siteName is not null && settings is not null && site.GetString("provider") is { } provider)
            {
                sites.Add(new SiteSpec(siteName, provider, settings, Master(site.Section("master")), Gateway(site.Section("gateway")), workers,
                    Switch(site.Section("switch"))));
            }
        }

        CheckSubnetsDisjoint();
        if (!shapeErrors)
        {
            CheckSomeNodeComputes(root, sections);
        }
        return sites.ToImmutable();
    }

    private ProviderSiteSettings? BuildProviderSettings(ConfigSection site, string? siteName)
    {
        if (site.GetString("provider") is not { } provider || providers.Find(provider) is not { } definition)
        {
            // The shape has already reported a missing or unknown provider (listing the known ones).
            return null;
        }
        foreach (var other in providers.Names.Where(n => n != provider && site.WasWritten(n)))
        {
            Add(site.LocationOf(other), site.PathOf(other), $"a '{other}:' section on a site whose provider is '{provider}'",
                $"remove the '{other}:' section, or set 'provider: {other}'");
        }
        if (site.IsInvalid(provider))
        {
            return null;
        }
        foreach (var reserved in definition.ReservedRanges.Where(r => !_reserved.Contains(r)))
        {
            _reserved.Add(reserved);
        }
        var section = site.Section(provider);
        var before = errors.Count;
        var settings = definition.ReadSettings(section, errors);
        if (errors.Count > before)
        {
            return null;
        }
        if (settings.Subnet is { } subnet)
        {
            // Providers conventionally call the key `subnet`; point there when it exists.
            var (location, path) = section is not null && section.Declares("subnet") && section.Has("subnet")
                ? (section.LocationOf("subnet"), section.PathOf("subnet"))
                : (site.LocationOf(provider), site.PathOf(provider));
            if (!IsReserved(subnet, [.. ReservedRanges.Everywhere, .. definition.ReservedRanges], location, path, "site subnet"))
            {
                _siteSubnets.Add(new SiteSubnet(subnet, location, path, siteName ?? site.KeyPath));
            }
        }
        return settings;
    }

    private void CheckMaster(ConfigSection site, bool isFirst, bool anyMaster)
    {
        if (isFirst && !anyMaster)
        {
            Add(site.Location, site.PathOf("master"), "the first site has no master",
                "add 'master: { flavor: ... }' to the first site; the first site hosts the cluster's master");
        }
        else if (!isFirst && site.WasWritten("master"))
        {
            Add(site.LocationOf("master"), site.PathOf("master"),
                "only the first site may have a master (a cluster has exactly one, on its first site)",
                "remove this master, or move this site to the top of 'sites' if its master is the only one");
        }
    }

    /// <summary>The flavor and image of the master, the gateway and every worker group, as far as the site's provider can judge them offline.</summary>
    private void CheckMachineChoices(ConfigSection site, IProviderFormat definition)
    {
        var machines = new[] { site.Section("master"), site.Section("gateway"), site.Section("switch") }.OfType<ConfigSection>().Concat(site.Sections("workers"));
        foreach (var machine in machines)
        {
            Check(machine, "flavor", definition.CheckFlavor);
            Check(machine, "image", definition.CheckImage);
        }

        void Check(ConfigSection machine, string key, Func<string, ValueProblem?> check)
        {
            if (machine.GetString(key) is { } value && check(value) is { } problem)
            {
                Add(machine.LocationOf(key), machine.PathOf(key), problem.Problem, problem.Fix);
            }
        }
    }

    private void CheckGateway(ConfigSection site, bool isFirst)
    {
        if (isFirst && site.WasWritten("gateway"))
        {
            Add(site.LocationOf("gateway"), site.PathOf("gateway"), "the first site needs no gateway: its master joins it to the other sites",
                "remove 'gateway:' from the first site");
        }
        else if (!isFirst && !site.WasWritten("gateway") && !site.WasWritten("switch"))
        {
            Add(site.Location, site.PathOf("gateway"),
                $"the site {(site.GetString("name") is { } name ? $"'{name}' " : "")}has no gateway; every site but the first needs one to join the overlay",
                "add 'gateway: { flavor: small }' (a flavor of this site's provider)");
        }
    }

    private ImmutableArray<WorkerGroupSpec> BuildWorkers(ConfigSection site, string? clusterName, string? siteName, Dictionary<string, string> nodePrefixes)
    {
        var groups = ImmutableArray.CreateBuilder<WorkerGroupSpec>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in site.Sections("workers"))
        {
            var name = HostLabelOf(group, "name", "worker group");
            if (name is not null && !names.TryAdd(name, group.KeyPath))
            {
                Add(group.LocationOf("name"), group.PathOf("name"), $"the worker group name '{name}' is already used by {names[name]} in this site",
                    "give every group of a site its own name (groups of different sites may share names)");
                name = null;
            }
            var count = (int)group.IntegerOrDefault("count");
            var onDemand = (int)group.IntegerOrDefault("onDemand");
            // With an unknown key (perhaps a misspelt count) or an invalid number, that error is the one to fix.
            if (count == 0 && onDemand == 0 && !group.IsInvalid("count") && !group.IsInvalid("onDemand") && !group.HasUnknownKeys)
            {
                Add(group.Location, group.KeyPath, $"the group {(group.GetString("name") is { } written ? $"'{written}' " : "")}has no nodes: count and onDemand are both 0",
                    "set 'count' (always-on nodes) or 'onDemand' (nodes Slurm starts when jobs wait) above 0, or remove the group");
            }
            if (clusterName is not null && siteName is not null && name is not null)
            {
                CheckNodeNames(group, clusterName, siteName, name, count + onDemand, nodePrefixes);
            }
            if (name is not null && group.GetString("flavor") is { } flavor)
            {
                groups.Add(new WorkerGroupSpec(name, flavor, group.StringOrDefault("image"), count, onDemand, group.StringsOrDefault("features")));
            }
        }
        return groups.ToImmutable();
    }

    private void CheckNodeNames(ConfigSection group, string clusterName, string siteName, string groupName, int nodes, Dictionary<string, string> nodePrefixes)
    {
        var width = Math.Max(MinimumNumberWidth, nodes.ToString(CultureInfo.InvariantCulture).Length);
        var longest = $"{clusterName}-{siteName}-{groupName}-{nodes.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}";
        if (longest.Length > HostLabel.MaxLength)
        {
            Add(group.LocationOf("name"), group.PathOf("name"),
                $"node names such as '{longest}' would be {longest.Length} characters long, but a host name allows {HostLabel.MaxLength}",
                $"shorten the cluster, site or group name by {longest.Length - HostLabel.MaxLength} characters together");
        }
        var prefix = $"{siteName}-{groupName}";
        if (!nodePrefixes.TryAdd(prefix, group.KeyPath))
        {
            Add(group.LocationOf("name"), group.PathOf("name"),
                $"this group's nodes would have the same names as those of {nodePrefixes[prefix]} ({clusterName}-{prefix}-001, ...)",
                "rename the group or the site so that '<site>-<group>' differs");
        }
    }

    /// <summary>Names made of the cluster's and a site's names must still be host-name labels (workers: <see cref="CheckNodeNames"/>).</summary>
    private void CheckHostName(ConfigSection section, string key, string whose, string hostName, string shorten)
    {
        if (hostName.Length > HostLabel.MaxLength)
        {
            var excess = hostName.Length - HostLabel.MaxLength;
            Add(section.LocationOf(key), section.PathOf(key),
                $"{whose} host name '{hostName}' would be {hostName.Length} characters long, but a host name allows {HostLabel.MaxLength}",
                $"shorten {shorten} by {excess} characters{(shorten.Contains(" or ", StringComparison.Ordinal) ? " together" : "")}");
        }
    }

    private void CheckSubnetsDisjoint()
    {
        for (var i = 0; i < _siteSubnets.Count; i++)
        {
            var other = _siteSubnets.Take(i).FirstOrDefault(s => Overlap(s.Subnet, _siteSubnets[i].Subnet));
            if (other is not null)
            {
                Add(_siteSubnets[i].Location, _siteSubnets[i].Path,
                    $"the subnet {_siteSubnets[i].Subnet} overlaps the subnet {other.Subnet} of site '{other.Site}'",
                    "give every site a subnet of its own (e.g. 10.11.0.0/24, 10.12.0.0/24), or leave it out so the planner chooses one");
            }
        }
    }

    private void CheckSomeNodeComputes(ConfigSection root, ImmutableArray<ConfigSection> sites)
    {
        var anyGroup = sites.Any(s => s.Sections("workers").Length > 0);
        var masterComputes = sites.Any(s => s.Section("master")?.GetBoolean("compute") == true);
        if (!anyGroup && !masterComputes && sites.Length > 0)
        {
            Add(root.LocationOf("sites"), "sites", "no node of the cluster runs jobs: there is no worker group and the master does not compute",
                "add a worker group (e.g. 'workers: [{ name: cpu, flavor: small, count: 1 }]'), or set 'compute: true' on the master");
        }
    }

    private OverlaySpec? BuildOverlay(ConfigSection section, int siteCount, ImmutableArray<SiteSpec>? sites)
    {
        if (section.IsInvalid("cidr") || section.IsInvalid("kind") || section.IsInvalid("tunnelCidr"))
        {
            return null;
        }
        var kindText = section.StringOrDefault("kind");
        var kind = kindText switch
        {
            "wireguard" => OverlayKind.WireGuard,
            "ipsec" => OverlayKind.Ipsec,
            "vxlan" => OverlayKind.Vxlan,
            _ => throw new InvalidOperationException($"the overlay kind '{kindText}' passed its shape but has no OverlayKind"),
        };
        if (OverlayRange(section, "cidr", ClusterFormat.DefaultOverlayCidr) is not { } cidr)
        {
            return null;
        }
        if (kind != OverlayKind.Vxlan)
        {
            if (Ipv4.Size(cidr) - 2 < siteCount)
            {
                Add(section.LocationOf("cidr"), section.PathOf("cidr"), $"{cidr} has too few addresses for the master and {siteCount - 1} gateways",
                    "choose a larger range, e.g. a /24");
            }
            return new OverlaySpec(kind, cidr);
        }

        // Every node and the switch have an address on the switched segment.
        var nodes = sites?.Sum(s => 1 + s.Workers.Sum(g => g.Count + g.OnDemand)) ?? siteCount;
        if (Ipv4.Size(cidr) - 2 < nodes)
        {
            Add(section.LocationOf("cidr"), section.PathOf("cidr"), $"{cidr} has too few addresses for the switch and the {nodes - 1} nodes it joins",
                "choose a larger range, e.g. a /24 or /16");
        }
        if (OverlayRange(section, "tunnelCidr", ClusterFormat.DefaultTunnelCidr) is not { } tunnel)
        {
            return null;
        }
        if (Overlap(tunnel, cidr))
        {
            Add(section.LocationOf("tunnelCidr"), section.PathOf("tunnelCidr"), $"the tunnel range {tunnel} overlaps the overlay range {cidr}",
                $"give the tunnel between sites a range of its own (the default is {ClusterFormat.DefaultTunnelCidr})");
            return null;
        }
        return new OverlaySpec(kind, cidr, tunnel);
    }

    /// <summary>An overlay range (cidr, tunnelCidr): a well-formed private range that no site subnet overlaps.</summary>
    private IPNetwork? OverlayRange(ConfigSection section, string key, string defaultText)
    {
        var text = section.StringOrDefault(key);
        var location = section.LocationOf(key);
        var path = section.PathOf(key);
        if (Ipv4Range.Parse(text, 8, 29, out var meant) is not { } range)
        {
            Add(location, path, $"'{text}' is not an IPv4 range between /8 and /29 with its host bits zero",
                meant is not null
                    ? $"write the range's network address: {meant}"
                    : $"write a network address and prefix such as {defaultText}");
            return null;
        }
        if (IsReserved(range, _reserved, location, path, "overlay range"))
        {
            return null;
        }
        var given = section.Has(key);
        foreach (var site in _siteSubnets.Where(s => Overlap(s.Subnet, range)))
        {
            Add(given ? location : site.Location, given ? path : site.Path,
                $"the overlay range {range} collides with the subnet {site.Subnet} of site '{site.Site}'",
                given
                    ? "choose an overlay range that overlaps no site's subnet, or change the site's subnet"
                    : $"change the site's subnet, or set 'overlay: {{ {key}: ... }}' to a range no site uses (the default is {defaultText})");
        }
        return range;
    }

    private StorageSpec BuildStorage(ConfigSection section)
    {
        var valid = new List<CheckedString>();
        foreach (var share in section.StringItems("shares"))
        {
            if (SharePath.Check(share.Value) is ({ } problem, { } fix))
            {
                Add(share.Location, share.Path, $"'{share.Value}' {problem}", fix);
                continue;
            }
            if (valid.FirstOrDefault(other => other.Value == share.Value) is { } same)
            {
                Add(share.Location, share.Path, $"'{share.Value}' is shared twice (also {same.Path})", "list each share once");
            }
            else if (valid.FirstOrDefault(other => SharePath.IsInside(share.Value, other.Value) || SharePath.IsInside(other.Value, share.Value)) is { } nesting)
            {
                var relation = SharePath.IsInside(share.Value, nesting.Value) ? "lies inside" : "holds";
                Add(share.Location, share.Path, $"'{share.Value}' {relation} the share '{nesting.Value}' ({nesting.Path}); shares must not nest",
                    "list only the outer directory: it shares everything inside it");
            }
            else
            {
                valid.Add(share);
            }
        }
        return new StorageSpec(section.StringsOrDefault("shares"));
    }

    private static MasterSpec? Master(ConfigSection? section) =>
        section?.GetString("flavor") is { } flavor
            ? new MasterSpec(flavor, section.StringOrDefault("image"), section.BooleanOrDefault("compute"))
            : null;

    private static GatewaySpec? Gateway(ConfigSection? section) =>
        section?.GetString("flavor") is { } flavor ? new GatewaySpec(flavor, section.StringOrDefault("image")) : null;

    private static SwitchSpec? Switch(ConfigSection? section) =>
        section?.GetString("flavor") is { } flavor ? new SwitchSpec(flavor, section.StringOrDefault("image")) : null;

    private string? HostLabelOf(ConfigSection section, string key, string what)
    {
        if (section.GetString(key) is not { } text)
        {
            return null;
        }
        if (HostLabel.IsValid(text))
        {
            return text;
        }
        var suggestion = HostLabel.Suggest(text);
        Add(section.LocationOf(key), section.PathOf(key),
            $"'{text}' is not a valid {what} name: it becomes part of host names, which allow only lowercase letters, digits and inner hyphens",
            suggestion is not null ? $"write '{suggestion}'" : "use lowercase letters, digits and hyphens, starting and ending with a letter or digit");
        return null;
    }

    private static bool Overlap(IPNetwork a, IPNetwork b) => ReservedRanges.Overlap(a, b);

    private bool IsReserved(IPNetwork range, IEnumerable<(IPNetwork Range, string Meaning)> reserved, SourceLocation location, string path, string what)
    {
        if (reserved.FirstOrDefault(r => Overlap(r.Range, range)) is not (var clash, { } meaning))
        {
            return false;
        }
        Add(location, path, $"the {what} {range} overlaps {clash}, which is reserved ({meaning})",
            "choose a private range such as 10.11.0.0/24 (10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16 are meant for this)");
        return true;
    }

    private void Add(SourceLocation location, string path, string problem, string fix) =>
        errors.Add(new ConfigError(location, path, problem, fix));
}
