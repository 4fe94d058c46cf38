using System.Collections.Immutable;
using System.CommandLine;
using GridSpan.Common;
using GridSpan.Provision;

namespace GridSpan.Cli.Commands;

/// <summary>
/// `gridspan check -c FILE`: asks each cloud, before anything is created, whether the cluster fits:
/// credentials, images, flavors, networks and quotas. Lists every problem at once.
/// </summary>
public static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var config = ClusterInput.ConfigOption("The cluster configuration file (cluster.yaml) to check against its clouds.");
        var command = new Command("check",
            "Ask each site's cloud whether the cluster fits before creating anything: the cloud answers and accepts the " +
            "credentials, images and flavors exist, the network exists or can be created, and the quotas cover the cluster " +
            "at its largest (on-demand nodes included). Prints every finding; exits " +
            $"{(int)ExitCode.ProviderFailure} when there is any problem, {(int)ExitCode.InvalidConfig} when the file is invalid.")
        {
            config,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context,
            ct => CheckAsync(context, parseResult.GetValue(config)!.ToString(), ct), cancellationToken));
        return command;
    }

    private static async Task<ExitCode> CheckAsync(CliContext context, string path, CancellationToken cancellationToken)
    {
        if (ClusterInput.Load(context, path) is not { } spec)
        {
            return ExitCode.InvalidConfig;
        }
        var plan = await ClusterInput.PlanAsync(context, spec, cloudsOptional: true, cancellationToken).ConfigureAwait(false);
        var output = context.Out.Profile.Out.Writer;
        var checks = new List<Task<ImmutableArray<CheckFinding>>>();
        foreach (var provider in spec.Sites.Select(s => s.Provider).Distinct(StringComparer.Ordinal))
        {
            if (context.Providers.Find(provider) is IPreflightCheck check)
            {
                checks.Add(check.CheckAsync(spec, plan, context.Runner, cancellationToken));
                continue;
            }
            foreach (var site in spec.Sites.Where(s => s.Provider == provider))
            {
                output.WriteLine($"  -  site '{site.Name}': nothing to ask ahead for provider '{provider}'");
            }
        }
        var findings = (await Task.WhenAll(checks).ConfigureAwait(false)).SelectMany(f => f).ToList();
        foreach (var finding in findings)
        {
            output.WriteLine($"{(finding.Ok ? "  ok" : "FAIL")} site '{finding.Site}': {finding.Text}");
            if (finding.Fix is not null)
            {
                output.WriteLine($"       fix: {finding.Fix}");
            }
        }
        var problems = findings.Count(f => !f.Ok);
        if (problems == 0)
        {
            output.WriteLine($"{path}: every check passed");
            return ExitCode.Success;
        }
        context.Error.Profile.Out.Writer.WriteLine($"{path}: {problems} problem{(problems == 1 ? "" : "s")} found");
        return ExitCode.ProviderFailure;
    }
}
