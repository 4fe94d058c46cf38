using System.CommandLine;
using GridSpan.Cluster;
using GridSpan.Common;
using GridSpan.Elastic;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>
/// `gridspan node resume|suspend|fail HOSTLIST` and `gridspan node reconcile`: Slurm's power-saving
/// hooks, run on the master (as SlurmUser) from the files `create` installed there.
/// </summary>
public static class NodeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("node",
            "On-demand nodes, run on a cluster's master by Slurm (ResumeProgram, SuspendProgram, ResumeFailProgram) and by a timer " +
            $"(reconcile). Details go to {MasterKit.LogFile}; a node that cannot start is set down with the reason (`sinfo -R`).");
        command.Subcommands.Add(Verb(context, "resume", "Create, start and configure the nodes of a hostlist (e.g. demo-hamburg-cpu-[002-004]).",
            async (nodes, hostlist, token) =>
            {
                var failed = await nodes.ResumeAsync(nodes.OnDemandNodes(hostlist), token).ConfigureAwait(false);
                return failed.IsEmpty ? ExitCode.Success : ExitCode.ProviderFailure;
            }));
        command.Subcommands.Add(Verb(context, "suspend", "Delete the servers (and ports) of the nodes of a hostlist.",
            async (nodes, hostlist, token) =>
            {
                await nodes.SuspendAsync(nodes.OnDemandNodes(hostlist), token).ConfigureAwait(false);
                return ExitCode.Success;
            }));
        command.Subcommands.Add(Verb(context, "fail", "Clean up after resumes Slurm gave up on, and return the nodes to service.",
            async (nodes, hostlist, token) =>
            {
                await nodes.FailAsync(nodes.OnDemandNodes(hostlist), token).ConfigureAwait(false);
                return ExitCode.Success;
            }));
        var reconcile = new Command("reconcile",
            "Delete servers no powered-up Slurm node owns, finish resumes whose hook died, power down nodes whose server vanished.");
        reconcile.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            SignalMask.Clear();
            await using var session = OpenSession(context);
            var report = await new ElasticNodes(session.Cluster).ReconcileAsync(token).ConfigureAwait(false);
            context.Out.WriteLine($"reconcile: deleted {report.Deleted.Length}, finished {report.Finished.Length}, reset {report.Reset.Length}");
            return ExitCode.Success;
        }, cancellationToken));
        command.Subcommands.Add(reconcile);
        return command;
    }

    /// <summary>The hook's session, with the paths the environment names.</summary>
    private static MasterSession OpenSession(CliContext context)
    {
        var environment = context.Environment;
        if (environment.Get("PATH") is null)
        {
            // Slurm starts its hooks with an almost empty environment; ssh and scontrol are found on the usual path.
            Environment.SetEnvironmentVariable("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        var paths = new MasterSessionPaths(
            environment.Get(MasterSessionPaths.HomeVariable) ?? MasterKit.Home,
            environment.Get(MasterSessionPaths.LogVariable) ?? MasterKit.LogFile,
            environment.RuntimeDirectory,
            environment.HomeDirectory);
        return MasterSession.Open(context.Providers, context.Runner, paths, null);
    }

    private static Command Verb(CliContext context, string name, string description,
        Func<ElasticNodes, string, CancellationToken, Task<ExitCode>> body)
    {
        var hostlist = new Argument<string>("HOSTLIST") { Description = "Slurm hostlist of on-demand nodes, as Slurm passes it." };
        var verb = new Command(name, description) { hostlist };
        verb.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            SignalMask.Clear(); // still on the main thread: before the first await
            await using var session = OpenSession(context);
            return await body(new ElasticNodes(session.Cluster), parseResult.GetValue(hostlist)!, token).ConfigureAwait(false);
        }, cancellationToken));
        return verb;
    }
}
