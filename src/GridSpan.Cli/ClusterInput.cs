using System.CommandLine;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Plan;

namespace GridSpan.Cli;

/// <summary>Loads cluster.yaml and plans it, for the verbs that start from a configuration file.</summary>
public static class ClusterInput
{
    /// <summary>The `-c/--config FILE` option every verb that starts from a configuration file takes.</summary>
    public static Option<FileInfo> ConfigOption(string description) => new("--config", "-c")
    {
        Description = description,
        HelpName = "FILE",
        Required = true,
    };

    /// <summary>The file's spec, or null after its errors were written to stderr.</summary>
    public static ClusterSpec? Load(CliContext context, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!File.Exists(path))
        {
            throw GridSpanException.NotFound($"the configuration file '{path}' does not exist",
                "check the path given with -c/--config; examples/two-sites.yaml is a working start");
        }
        var result = ClusterConfigLoader.Load(path, context.Providers, context.Environment.HomeDirectory);
        if (result.Spec is not { } spec)
        {
            ConfigErrorReport.Write(context.Error, path, result);
            return null;
        }
        return spec;
    }

    /// <summary>Plans the spec with the flavor sizes its providers know offline; warnings go to stderr.</summary>
    public static ClusterPlan Plan(CliContext context, ClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Write(context, Planner.Plan(spec, FlavorCatalog.FromProviders(spec, context.Providers)));
    }

    /// <summary>
    /// Plans the spec with the flavor sizes its providers know, asking the clouds of those that look flavors up
    /// (`create`, `check`: they talk to the clouds anyway). When <paramref name="cloudsOptional"/>, a cloud that cannot be
    /// asked leaves its flavors at the planner's fallback (`check` then reports why); otherwise its failure stops the verb.
    /// </summary>
    public static async Task<ClusterPlan> PlanAsync(CliContext context, ClusterSpec spec, bool cloudsOptional, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        FlavorCatalog flavors;
        try
        {
            flavors = await FlavorCatalog.FromCloudsAsync(spec, context.Providers, cancellationToken).ConfigureAwait(false);
        }
        catch (GridSpanException) when (cloudsOptional)
        {
            flavors = FlavorCatalog.FromProviders(spec, context.Providers);
        }
        return Write(context, Planner.Plan(spec, flavors));
    }

    private static ClusterPlan Write(CliContext context, ClusterPlan plan)
    {
        foreach (var warning in plan.Warnings)
        {
            context.Error.Profile.Out.Writer.WriteLine($"warning: {warning}");
        }
        return plan;
    }
}
