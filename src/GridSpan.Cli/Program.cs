using System.CommandLine;
using GridSpan.Cli;
using GridSpan.Provision;
using Spectre.Console;

var output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
var context = new CliContext(output, error, new ProviderRegistry(ProviderCatalog.All()));
var parseResult = CommandTree.Build(context).Parse(args);
return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
