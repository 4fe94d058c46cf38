using GridSpan.Cli;
using GridSpan.Provision;

var output = TerminalConsole.For(Console.Out, Console.IsOutputRedirected);
var error = TerminalConsole.For(Console.Error, Console.IsErrorRedirected);
var context = new CliContext(output, error, new ProviderRegistry(ProviderCatalog.All()));
var parseResult = CommandTree.Build(context).Parse(args);
return await parseResult.InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
