using GridSpan.Plan;
using GridSpan.Common.Quoting;
using GridSpan.Config;

namespace GridSpan.Render;

/// <summary>
/// slurm.conf (and cgroup.conf on virtual machines) from the plan, for the Slurm version and runtime
/// of the nodes. Identical on every node of one version, as Slurm requires.
/// </summary>
public static class SlurmConfRenderer
{
    /// <summary>Ports srun listens on for its tasks; opened to the cluster ranges by the firewall plan.</summary>
    public const string SrunPortRange = "60001-63000";

    public static string Render(ClusterPlan plan, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var slurm = plan.Slurm;
        var container = options.Runtime == NodeRuntime.Container;
        var text = new TextLines()
            .Line($"# slurm.conf of cluster {plan.Name}, for Slurm {options.SlurmVersion.Major}.{options.SlurmVersion.Minor:00} on {(container ? "containers" : "virtual machines")}.")
            .Line("# Rendered by GridSpan from the cluster plan; edits here are overwritten.")
            .Line($"ClusterName={SlurmConfQuote.Value(slurm.ClusterName)}")
            .Line($"SlurmctldHost={SlurmConfQuote.Value(slurm.Controller)}")
            .Line("SlurmUser=slurm")
            .Line("AuthType=auth/munge")
            .Line("MpiDefault=none")
            .Line("SlurmctldPort=6817")
            .Line("SlurmdPort=6818")
            .Line($"SrunPortRange={SrunPortRange}")
            .Line("StateSaveLocation=/var/lib/slurm/slurmctld")
            .Line("SlurmdSpoolDir=/var/lib/slurm/slurmd")
            .Line("SlurmctldPidFile=/run/slurmctld.pid")
            .Line("SlurmdPidFile=/run/slurmd.pid")
            .Line("SlurmctldLogFile=/var/log/slurm/slurmctld.log")
            .Line("SlurmdLogFile=/var/log/slurm/slurmd.log")
            .Line("ReturnToService=2")
            .Line("SlurmctldTimeout=120")
            .Line("SlurmdTimeout=300")
            .Line("InactiveLimit=0")
            .Line("KillWait=30")
            .Line("MinJobAge=300")
            .Line("Waittime=0")
            .Line("SchedulerType=sched/backfill")
            .Line("SelectType=select/cons_tres")
            .Line("SelectTypeParameters=CR_Core_Memory")
            .Line("AccountingStorageType=accounting_storage/none")
            .Line("JobCompType=jobcomp/none");
        if (container)
        {
            text.Line("# Containers: cgroups are not delegated (controllers read-only), so track processes by /proc")
                .Line("# and bind no tasks; the hardware slurmd sees is the host's, so the sizes below rule.")
                .Line("ProctrackType=proctrack/linuxproc")
                .Line("TaskPlugin=task/none")
                .Line("JobAcctGatherType=jobacct_gather/none")
                .Line("SlurmdParameters=config_overrides");
        }
        else
        {
            text.Line("ProctrackType=proctrack/cgroup")
                .Line("TaskPlugin=task/cgroup,task/affinity")
                .Line("JobAcctGatherType=jobacct_gather/cgroup");
        }
        text.Line("# Nodes live in several sites and appear on demand: slurmctld talks to every node directly")
            .Line("# and never caches an address.")
            .Line("TreeWidth=65533")
            .Line("CommunicationParameters=NoAddrCache");

        if (slurm.CloudNodes.Length > 0)
        {
            text.Line()
                .Line("# Power saving: Slurm creates on-demand (CLOUD) nodes through GridSpan and deletes them when idle.")
                .Line($"SuspendTime={slurm.SuspendTime}")
                .Line("SuspendTimeout=30")
                .Line($"ResumeTimeout={slurm.ResumeTimeout}")
                .Line("ResumeRate=0")
                .Line("SuspendRate=0")
                .Line($"ResumeProgram={NodePaths.ResumeHook}")
                .Line($"SuspendProgram={NodePaths.SuspendHook}")
                .Line($"ResumeFailProgram={NodePaths.ResumeFailHook}")
                .Line("# Holds a job until its powering-up nodes registered, then Slurm launches it at once.")
                .Line($"PrologSlurmctld={NodePaths.PrologSlurmctld}");
            if (slurm.StaticNodes.Length > 0)
            {
                text.Line("# Always-on nodes are never powered down.")
                    .Line($"SuspendExcNodes={SlurmConfQuote.Value(slurm.StaticNodes)}");
            }
            if (options.IsSlurm2311OrLater)
            {
                text.Line("# 23.11+: a cloud node's address is the one it registers from.")
                    .Line("SlurmctldParameters=cloud_reg_addrs,idle_on_node_suspend");
            }
            else
            {
                text.Line("# 22.05: every on-demand name is in the cluster DNS with its planned address, so slurmctld")
                    .Line("# resolves it instead of waiting for `scontrol update nodeaddr`; PrivateData=cloud keeps")
                    .Line("# powered-down cloud nodes visible in sinfo.")
                    .Line("SlurmctldParameters=cloud_dns,idle_on_node_suspend")
                    .Line("PrivateData=cloud");
            }
        }

        text.Line().Line("# Nodes");
        foreach (var set in slurm.NodeSets)
        {
            var features = set.Features.Length > 0 ? $" Features={SlurmConfQuote.Value(string.Join(',', set.Features))}" : "";
            text.Line($"NodeName={SlurmConfQuote.Value(set.Nodes)} CPUs={set.Cpus} RealMemory={set.RealMemoryMiB}{features} State={(set.Cloud ? "CLOUD" : "UNKNOWN")}");
        }
        text.Line().Line("# Partitions: all (default), one per site, one per worker group");
        foreach (var partition in slurm.Partitions)
        {
            text.Line($"PartitionName={SlurmConfQuote.Value(partition.Name)} Nodes={SlurmConfQuote.Value(partition.Nodes)}{(partition.IsDefault ? " Default=YES" : "")} MaxTime=INFINITE State=UP");
        }
        return text.ToString();
    }

    /// <summary>cgroup.conf for virtual machines (cgroup v2 on Debian 12); containers need none.</summary>
    public static string RenderCgroupConf() => new TextLines()
        .Line("# cgroup.conf rendered by GridSpan: confine jobs to the cores and memory they asked for.")
        .Line("CgroupPlugin=autodetect")
        .Line("ConstrainCores=yes")
        .Line("ConstrainRAMSpace=yes")
        .Line("ConstrainDevices=yes")
        .ToString();

    /// <summary>
    /// /etc/default/slurmd (read by Debian's slurmd.service as $SLURMD_OPTIONS). On-demand nodes in
    /// containers start slurmd with -b: a container reports the host's uptime, so without it slurmctld
    /// thinks a resumed node never rebooted and fails it at ResumeTimeout.
    /// </summary>
    public static string RenderSlurmdDefaults(NodePlan node, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        var reportBoot = node.OnDemand && options.Runtime == NodeRuntime.Container;
        return new TextLines()
            .Line("# Rendered by GridSpan.")
            .Line(reportBoot ? "# -b: report a boot at every start (containers show the host's uptime)." : "# No extra options.")
            .Line($"SLURMD_OPTIONS=\"{(reportBoot ? "-b" : "")}\"")
            .ToString();
    }
}
