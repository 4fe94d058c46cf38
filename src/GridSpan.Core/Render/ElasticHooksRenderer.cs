namespace GridSpan.Render;

/// <summary>
/// The programs slurm.conf names for power saving. Slurm runs each as SlurmUser with one hostlist
/// argument and no other arguments, so each is a small wrapper around `gridspan node ...`.
/// </summary>
public static class ElasticHooksRenderer
{
    private const string HookPath = "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static string Render(string slurmRole, string verb) => new TextLines()
        .Line("#!/bin/sh")
        .Line($"# Slurm's {slurmRole}, rendered by GridSpan: Slurm passes one hostlist.")
        .Line("# slurmctld gives its programs an almost empty environment: gridspan runs ssh and scontrol.")
        .Line(HookPath)
        .Line($"exec {NodePaths.GridSpanBinary} node {verb} \"$@\"")
        .ToString();

    /// <summary>
    /// PrologSlurmctld: slurmctld runs it when it allocates a job, and launches a batch job on nodes it
    /// powers up only when a prolog ends or at its periodic check, every 30 s. Waiting here while any
    /// of the job's nodes is still powered down (Slurm's power thread has yet to resume it) or
    /// powering up makes the job start as soon as its nodes registered. The job's nodes are read from
    /// the job each time: a job requeued after a failed resume may be given other nodes. A shell loop,
    /// not gridspan: it runs once per job and most jobs find their nodes up. It always exits 0: a
    /// node that fails to come up is handled by ResumeTimeout and the resume hooks, and a failing
    /// prolog would requeue the job.
    /// </summary>
    public static string RenderPrologSlurmctld(int resumeTimeoutSeconds) => new TextLines()
        .Line("#!/bin/sh")
        .Line("# Slurm's PrologSlurmctld, rendered by GridSpan: hold a job until the nodes it powers up registered,")
        .Line("# so slurmctld launches it then instead of at its next periodic check (every 30 s).")
        .Line(HookPath)
        .Line("[ -n \"$SLURM_JOB_ID\" ] || exit 0")
        .Line($"deadline=$(( $(date +%s) + {resumeTimeoutSeconds} ))")
        .Line("while [ \"$(date +%s)\" -lt \"$deadline\" ]; do")
        .Line("    if job=$(squeue -h -j \"$SLURM_JOB_ID\" -o '%T %N' 2>/dev/null); then")
        .Line("        [ \"${job%% *}\" = CONFIGURING ] || exit 0")
        .Line("        if nodes=$(scontrol show node -o \"${job#* }\" 2>/dev/null); then")
        .Line("            case \"$nodes\" in")
        .Line("                *POWERED_DOWN*|*POWERING_UP*) ;;")
        .Line("                *) exit 0 ;;")
        .Line("            esac")
        .Line("        fi")
        .Line("    fi")
        .Line("    sleep 0.5")
        .Line("done")
        .Line("exit 0")
        .ToString();
}
