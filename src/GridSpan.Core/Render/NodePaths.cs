namespace GridSpan.Render;

/// <summary>Where rendered files live on a node (Debian 12 layout).</summary>
public static class NodePaths
{
    public const string SlurmConf = "/etc/slurm/slurm.conf";
    public const string CgroupConf = "/etc/slurm/cgroup.conf";
    public const string SlurmdDefaults = "/etc/default/slurmd";
    public const string MungeKey = "/etc/munge/munge.key";
    public const string WireGuardConf = "/etc/wireguard/wg0.conf";
    public const string SwanctlConf = "/etc/swanctl/conf.d/gridspan.conf";
    public const string SwanctlSecrets = "/etc/swanctl/conf.d/gridspan-secrets.conf";
    public const string CharonSettings = "/etc/strongswan.d/gridspan.conf";
    public const string StrongswanDropIn = "/etc/systemd/system/strongswan.service.d/gridspan.conf";
    public const string DnsmasqConf = "/etc/dnsmasq.d/gridspan.conf";
    public const string DnsHostsDir = "/etc/gridspan/dns";
    public const string DnsHosts = "/etc/gridspan/dns/cluster.hosts";
    public const string Hosts = "/etc/hosts";
    public const string ResolvConf = "/etc/resolv.conf";
    public const string Exports = "/etc/exports.d/gridspan.exports";
    public const string Fstab = "/etc/fstab";
    public const string RoutesScript = "/usr/local/libexec/gridspan/routes";
    public const string RoutesUnit = "/etc/systemd/system/gridspan-routes.service";
    public const string VxlanScript = "/usr/local/libexec/gridspan/vxlan";
    public const string VxlanUnit = "/etc/systemd/system/gridspan-vxlan.service";
    public const string VxlanPortScript = "/usr/local/libexec/gridspan/vxlan-port";

    /// <summary>On the switch: one empty file per on-demand node whose port is up, so the ports come back after a restart.</summary>
    public const string VxlanPortsDirectory = "/var/lib/gridspan/vxlan-ports";
    public const string Sysctl = "/etc/sysctl.d/90-gridspan.conf";
    public const string KnownHosts = "/etc/ssh/ssh_known_hosts";
    public const string HostKey = "/etc/ssh/ssh_host_ed25519_key";
    public const string StorageKey = "/etc/gridspan/storage_ed25519";
    public const string ResumeHook = "/usr/local/libexec/gridspan/slurm-resume";
    public const string SuspendHook = "/usr/local/libexec/gridspan/slurm-suspend";
    public const string ResumeFailHook = "/usr/local/libexec/gridspan/slurm-resume-fail";
    public const string PrologSlurmctld = "/usr/local/libexec/gridspan/slurmctld-prolog";

    /// <summary>Where `create` installs the self-contained gridspan binary on the master (issue 5).</summary>
    public const string GridSpanBinary = "/usr/local/bin/gridspan";

    /// <summary>The cluster user's home: /root for root, /home/&lt;user&gt; (on the shared /home when shared) otherwise.</summary>
    public static string HomeOf(string user) => user == "root" ? "/root" : $"/home/{user}";

    /// <summary>Whether the cluster user may use sudo: a rule when ssh.sudo is set, a comment otherwise (so turning it off takes it away).</summary>
    public const string Sudoers = "/etc/sudoers.d/gridspan";
}
