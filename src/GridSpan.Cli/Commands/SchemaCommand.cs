using System.CommandLine;
using GridSpan.Common;
using GridSpan.Config;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan schema`: prints the JSON Schema of cluster.yaml for editors.</summary>
public static class SchemaCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("schema",
            "Print the JSON Schema (draft-07) of cluster.yaml to stdout, generated from the same description the loader " +
            "checks against, with every provider this build knows. Editors complete and check the file with it: save it " +
            "(gridspan schema > cluster.schema.json) and add the line '# yaml-language-server: $schema=cluster.schema.json' " +
            "to the top of cluster.yaml.");
        command.SetAction((_, cancellationToken) => CommandAction.RunAsync(context, _ =>
        {
            // Straight to the writer: Spectre would wrap long lines and break the JSON.
            context.Out.Profile.Out.Writer.Write(ClusterSchema.Generate(context.Providers));
            return Task.FromResult(ExitCode.Success);
        }, cancellationToken));
        return command;
    }
}
