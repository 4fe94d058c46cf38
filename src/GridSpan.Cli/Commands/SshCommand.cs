using System.CommandLine;
using System.CommandLine.Parsing;
using GridSpan.Cluster;
using GridSpan.Common;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan ssh NAME [NODE] [-- COMMAND...]`: a shell or a command on any node, through the cluster's pinned SSH client.</summary>
public static class SshCommand
{
    public static Command Create(CliContext context)
    {
        var words = new Argument<string[]>("NAME [NODE] [-- COMMAND...]")
        {
            Description = "The cluster, optionally a node (default: the master), and after -- a command to run there instead of a shell.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("ssh",
            "Open a shell on the master or any node of a cluster, or run a command there (after --), e.g. " +
            "`gridspan ssh demo -- srun -N2 hostname` or `gridspan ssh demo demo-hamburg-cpu-001`. Uses the cluster's own key " +
            "and pinned host keys; private nodes are reached through their site's VPN node. Exits with the command's exit code.")
        {
            words,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var (before, remote) = Split(parseResult);
            if (before.Count is 0 or > 2)
            {
                throw GridSpanException.InvalidConfig("gridspan ssh takes a cluster name, optionally a node, then -- and a command",
                    "e.g. gridspan ssh demo demo-master -- sinfo");
            }
            await using var cluster = ClusterWorkspace.Open(context.Store, before[0], context.Providers, context.Runner, context.Runner,
                context.Environment.HomeDirectory);
            var node = before.Count == 2 ? before[1] : cluster.Plan.Master;
            var target = cluster.Target(node);
            cluster.Transport.Session(target); // writes the client files for this node and its jump host
            var interactive = remote.Count == 0;
            List<string> arguments = ["-F", cluster.Transport.ConfigFile, "-o", "LogLevel=ERROR"];
            if (interactive && !Console.IsInputRedirected)
            {
                arguments.Add("-t");
            }
            arguments.Add(node);
            if (!interactive)
            {
                arguments.Add("--");
                arguments.AddRange(remote);
            }
            var result = await cluster.ClientRunner.RunAsync(new CommandRequest("ssh", arguments) { InheritStandardStreams = true }, token).ConfigureAwait(false);
            return (ExitCode)result.ExitCode;
        }, cancellationToken));
        return command;
    }

    /// <summary>The words before `--` (name, node) and after it (the remote command).</summary>
    private static (List<string> Before, List<string> After) Split(ParseResult parseResult)
    {
        var before = new List<string>();
        var after = new List<string>();
        var seenDash = false;
        foreach (var token in parseResult.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                seenDash = true;
            }
            else if (token.Type == TokenType.Argument)
            {
                (seenDash ? after : before).Add(token.Value);
            }
        }
        return (before, after);
    }
}
