namespace GridSpan.Render;

/// <summary>
/// The programs slurm.conf names for power saving. Slurm runs each as SlurmUser with one hostlist
/// argument and no other arguments, so each is a two-line wrapper around `gridspan node ...`.
/// </summary>
public static class ElasticHooksRenderer
{
    public static string Render(string slurmRole, string verb) => new TextLines()
        .Line("#!/bin/sh")
        .Line($"# Slurm's {slurmRole}, rendered by GridSpan: Slurm passes one hostlist.")
        .Line($"exec {NodePaths.GridSpanBinary} node {verb} \"$@\"")
        .ToString();
}
