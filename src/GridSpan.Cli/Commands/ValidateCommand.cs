using System.CommandLine;
using GridSpan.Common;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan validate -c FILE`: checks a cluster.yaml and reports every mistake at once.</summary>
public static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var config = ClusterInput.ConfigOption("The cluster configuration file (cluster.yaml) to check.");
        var command = new Command("validate",
            "Check a cluster configuration file without touching any cloud. Prints a one-line summary and exits 0 when " +
            "the file is valid; otherwise prints every error (file:line:column: key: problem, then how to fix it) to " +
            $"stderr and exits {(int)ExitCode.InvalidConfig}. Run 'gridspan schema' for the format, or see docs/config.md.")
        {
            config,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, _ =>
        {
            var file = parseResult.GetValue(config)!;
            return Task.FromResult(Validate(context, file.ToString()));
        }, cancellationToken));
        return command;
    }

    private static ExitCode Validate(CliContext context, string path)
    {
        if (ClusterInput.Load(context, path) is not { } spec)
        {
            return ExitCode.InvalidConfig;
        }
        var workers = spec.Sites.SelectMany(s => s.Workers).ToList();
        var onDemand = workers.Sum(w => w.OnDemand);
        var nodes = spec.Sites.Length + workers.Sum(w => w.Count) + onDemand;
        context.Out.Profile.Out.Writer.WriteLine(
            $"{path} is valid: {Plural(spec.Sites.Length, "site")}, {Plural(nodes, "node")} ({onDemand} on demand)");
        return ExitCode.Success;
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
