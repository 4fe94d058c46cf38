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

    /// <summary>Plans the spec with the flavor sizes its providers know; warnings go to stderr.</summary>
    public static ClusterPlan Plan(CliContext context, ClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = Planner.Plan(spec, FlavorCatalog.FromProviders(spec, context.Providers));
        foreach (var warning in plan.Warnings)
        {
            context.Error.Profile.Out.Writer.WriteLine($"warning: {warning}");
        }
        return plan;
    }
}
