using System.CommandLine;

namespace GridSpan.Cli;

/// <summary>The gridspan command line: one verb per file under Commands/.</summary>
public static class CommandTree
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand(
            "GridSpan creates and runs Slurm clusters that span several clouds or servers, " +
            "joined by an encrypted VPN, with one file system, one DNS and on-demand workers.");
        root.Subcommands.Add(Commands.VersionCommand.Create(context));
        root.Subcommands.Add(Commands.ValidateCommand.Create(context));
        root.Subcommands.Add(Commands.SchemaCommand.Create(context));
        root.Subcommands.Add(Commands.PlanCommand.Create(context));
        root.Subcommands.Add(Commands.RenderCommand.Create(context));
        root.Subcommands.Add(Commands.CheckCommand.Create(context));
        root.Subcommands.Add(Commands.CreateCommand.Create(context));
        root.Subcommands.Add(Commands.ListCommand.Create(context));
        root.Subcommands.Add(Commands.StatusCommand.Create(context));
        root.Subcommands.Add(Commands.SshCommand.Create(context));
        root.Subcommands.Add(Commands.DoctorCommand.Create(context));
        root.Subcommands.Add(Commands.TerminateCommand.Create(context));
        root.Subcommands.Add(Commands.LocalCloudCommand.Create(context));
        root.Subcommands.Add(Commands.NodeCommand.Create(context));
        return root;
    }
}
