namespace GridSpan.Render;

/// <summary>
/// The programs slurm.conf names for power saving. Slurm runs each as SlurmUser with one hostlist
/// argument and no other arguments, so each is a small wrapper around `gridspan node ...`.
/// </summary>
public static class ElasticHooksRenderer
{
    public static string Render(string slurmRole, string verb) => new TextLines()
        .Line("#!/bin/sh")
        .Line($"# Slurm's {slurmRole}, rendered by GridSpan: Slurm passes one hostlist.")
        .Line("# slurmctld gives its programs an almost empty environment: gridspan runs ssh and scontrol.")
        .Line("export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .Line($"exec {NodePaths.GridSpanBinary} node {verb} \"$@\"")
        .ToString();
}
