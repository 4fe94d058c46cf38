using GridSpan.Cli;
using GridSpan.Common;

var output = TerminalConsole.For(Console.Out, Console.IsOutputRedirected);
var error = TerminalConsole.For(Console.Error, Console.IsErrorRedirected);
var context = CliContext.Compose(output, error, HostEnvironment.FromProcess());
var parseResult = CommandTree.Build(context).Parse(args);
return await parseResult.InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
