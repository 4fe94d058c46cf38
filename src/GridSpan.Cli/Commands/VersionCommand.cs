using System.CommandLine;
using System.Reflection;
using GridSpan.Common;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

public static class VersionCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("version", "Print GridSpan's version.");
        command.SetAction((_, cancellationToken) => CommandAction.RunAsync(context, _ =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            context.Out.WriteLine($"gridspan {version}");
            return Task.FromResult(ExitCode.Success);
        }, cancellationToken));
        return command;
    }
}
