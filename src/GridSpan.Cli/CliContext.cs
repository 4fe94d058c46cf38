using GridSpan.Provision;
using Spectre.Console;

namespace GridSpan.Cli;

/// <summary>What every verb gets: where to write, and the providers this build knows.</summary>
/// <param name="Out">Standard output: results, tables, JSON.</param>
/// <param name="Error">Standard error: errors, warnings, progress.</param>
/// <param name="CrashLogDirectory">Where an unexpected failure is logged in full; $GRIDSPAN_HOME/logs when null.</param>
public sealed record CliContext(IAnsiConsole Out, IAnsiConsole Error, ProviderRegistry Providers, string? CrashLogDirectory = null);
