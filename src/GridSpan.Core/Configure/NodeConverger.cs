using System.Collections.Immutable;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using GridSpan.Common;
using GridSpan.Render;

namespace GridSpan.Configure;

/// <summary>
/// Makes one node equal to its bundle: reads its state in one round trip, installs only missing
/// packages, writes only differing files, runs the bundle's commands, enables units, restarts
/// only units whose inputs changed, starts units that are down, and checks that they run.
/// Running it again on a converged node changes nothing. It knows nothing of how the node is
/// reached or what it runs on (container or VM): it only talks to an <see cref="INodeSession"/>.
/// </summary>
public sealed class NodeConverger
{
    private static readonly string[] UnitFileDirectories =
        ["/etc/systemd/system/", "/run/systemd/system/", "/lib/systemd/system/", "/usr/lib/systemd/system/"];

    /// <summary>Well below Linux's 128 KiB limit for one argument.</summary>
    private const int MaxScriptArgument = 64 * 1024;

    private readonly ConvergeOptions _options;

    public NodeConverger(ConvergeOptions? options = null) => _options = options ?? new ConvergeOptions();

    public async Task<ConvergeReport> ConvergeAsync(
        NodeBundle bundle, INodeSession session, IProgress<ConvergeStep>? progress, CancellationToken cancellationToken)
    {
        BundleValidation.EnsureValid(bundle);
        var run = new Run(bundle, session, progress, new SecretRedactor(bundle), cancellationToken);
        var clock = Stopwatch.StartNew();
        try
        {
            run.Begin(ConvergeStepKind.Inspect, "reading files, packages and units");
            var state = await InspectAsync(run).ConfigureAwait(false);
            run.End(ConvergeStepStatus.Unchanged, Describe(bundle));

            var installed = await InstallPackagesAsync(run, state).ConfigureAwait(false);
            if (!installed.IsEmpty)
            {
                state = await InspectAsync(run).ConfigureAwait(false); // packages may have created files and units
            }
            await EnsureAccountsAsync(run).ConfigureAwait(false);
            var (written, owedRestarts, unitFilesChanged) = await WriteFilesAsync(run, state).ConfigureAwait(false);
            var commandsRun = await RunCommandsAsync(run).ConfigureAwait(false);
            var (plan, units) = await ManageServicesAsync(run, state, owedRestarts, reload: unitFilesChanged || state.PendingDaemonReload || !installed.IsEmpty)
                .ConfigureAwait(false);
            await CheckHealthAsync(run, plan, units).ConfigureAwait(false);

            return new ConvergeReport(bundle.NodeName, installed, written,
                plan.Enable, plan.Restart, plan.Start, commandsRun, clock.Elapsed);
        }
        catch (GridSpanException failure)
        {
            run.Fail(failure.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            run.Fail("cancelled");
            throw;
        }
    }

    private async Task<NodeState> InspectAsync(Run run)
    {
        var result = await run.ScriptAsync(NodeScripts.Inspect(run.Bundle, _options)).ConfigureAwait(false);
        if (!result.Succeeded && !result.StandardOutput.Contains("END", StringComparison.Ordinal))
        {
            throw run.Error($"could not read the node's state (exit code {result.ExitCode}): {LastLines(result.StandardError + result.StandardOutput, 6)}",
                "check that the node runs a Debian-based system with coreutils");
        }
        return NodeState.Parse(run.Bundle, result.StandardOutput);
    }

    private async Task<ImmutableArray<string>> InstallPackagesAsync(Run run, NodeState state)
    {
        var missing = run.Bundle.Packages.Where(package => !state.InstalledPackages.Contains(package.Split(':')[0])).ToImmutableArray();
        run.Begin(ConvergeStepKind.Packages, missing.IsEmpty ? "checking" : "installing " + string.Join(", ", missing));
        if (missing.IsEmpty)
        {
            run.End(ConvergeStepStatus.Unchanged, $"{run.Bundle.Packages.Length} present");
            return [];
        }
        var result = await run.ScriptAsync(NodeScripts.InstallPackages(missing)).ConfigureAwait(false);
        if (!result.Succeeded && _options.RefreshPackageIndex && UnavailablePackage(result) is not null)
        {
            run.Progress("refreshing the package index");
            var refresh = await run.ScriptAsync(NodeScripts.RefreshPackageIndex).ConfigureAwait(false);
            if (refresh.Succeeded)
            {
                run.Progress("installing " + string.Join(", ", missing));
                result = await run.ScriptAsync(NodeScripts.InstallPackages(missing)).ConfigureAwait(false);
            }
        }
        if (!result.Succeeded)
        {
            throw UnavailablePackage(result) is { } package
                ? run.Error($"package '{package}' is not available",
                    "is the image built with the cluster packages? A cloud image needs a working package mirror; a local cloud image gets them when it is built")
                : run.Error($"installing {string.Join(", ", missing)} failed: {LastLines(result.StandardError + result.StandardOutput, 6)}",
                    "run `apt-get install` on the node to see the whole story (gridspan ssh CLUSTER NODE)");
        }
        run.End(ConvergeStepStatus.Changed, "installed " + string.Join(", ", missing));
        return missing;
    }

    private static async Task EnsureAccountsAsync(Run run)
    {
        var accounts = run.Bundle.Accounts;
        if (accounts.IsEmpty)
        {
            return;
        }
        run.Begin(ConvergeStepKind.Accounts, "checking " + string.Join(", ", accounts.Select(a => a.Name)));
        var result = await run.ScriptAsync(NodeScripts.EnsureAccounts(accounts)).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var (what, detail, cause) = Failure(result);
            var account = accounts.FirstOrDefault(a => a.Name == what);
            throw account is not null && detail.StartsWith("has ", StringComparison.Ordinal)
                ? run.Error($"user '{account.Name}' exists with another id ({detail[4..]}); the cluster gives it uid and gid {account.Id} on every node",
                    "use another ssh.user, or give the existing user that uid and gid on this node")
                : run.Error($"creating user '{what}' failed ({detail}): {cause}", "run useradd on the node to see why it fails (gridspan ssh CLUSTER NODE)");
        }
        var made = result.StandardOutput.Split('\n').Where(l => l.StartsWith("made\t", StringComparison.Ordinal)).Select(l => l[5..].Trim()).ToList();
        run.End(made.Count == 0 ? ConvergeStepStatus.Unchanged : ConvergeStepStatus.Changed,
            made.Count == 0 ? $"{accounts.Length} present" : "created " + string.Join(", ", made));
    }

    private async Task<(ImmutableArray<string> Written, ImmutableHashSet<string> OwedRestarts, bool UnitFilesChanged)> WriteFilesAsync(Run run, NodeState state)
    {
        var files = run.Bundle.Files;
        var differing = new List<(int Index, BundleFile File)>();
        for (var index = 0; index < files.Length; index++)
        {
            if (!IsEqual(files[index], state.Files[index]))
            {
                differing.Add((index, files[index]));
            }
        }
        var changedPaths = differing.Select(entry => entry.File.Path).ToHashSet(StringComparer.Ordinal);
        var restarts = run.Bundle.Services
            .Where(service => service.Inputs.Any(changedPaths.Contains) || state.PendingRestarts.Contains(service.Unit))
            .Select(service => service.Unit)
            .ToImmutableHashSet(StringComparer.Ordinal);
        var unitFilesChanged = changedPaths.Any(path => UnitFileDirectories.Any(directory => path.StartsWith(directory, StringComparison.Ordinal)));

        run.Begin(ConvergeStepKind.Files, differing.Count == 0 ? "comparing" : "writing " + Paths(differing));
        if (differing.Count == 0)
        {
            run.End(ConvergeStepStatus.Unchanged, $"{files.Length} equal");
            return ([], restarts, false);
        }
        var newRestarts = restarts.Except(state.PendingRestarts);
        var result = await run.ScriptAsync(NodeScripts.WriteFiles(differing, newRestarts, unitFilesChanged, _options), carriesContent: true).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var (what, _, cause) = Failure(result);
            var path = int.TryParse(what, out var failed) && failed < files.Length ? files[failed].Path : null;
            throw path is null
                ? run.Error($"could not record pending restarts under {_options.StateDirectory}: {cause}", "check that the node's disk is writable")
                : run.Error($"writing {path} failed: {cause}",
                    cause.Contains("invalid", StringComparison.OrdinalIgnoreCase)
                        ? $"the owner {files[failed].Owner}:{files[failed].Group} must exist on the node: is the package that creates it in the bundle?"
                        : "check that the node's disk is writable and not full");
        }
        run.End(ConvergeStepStatus.Changed, "wrote " + Paths(differing));
        return ([.. differing.Select(entry => entry.File.Path)], restarts, unitFilesChanged);
    }

    private static async Task<int> RunCommandsAsync(Run run)
    {
        var commands = run.Bundle.Commands;
        if (commands.IsEmpty)
        {
            return 0;
        }
        run.Begin(ConvergeStepKind.Commands, $"running {commands.Length}");
        var result = await run.ScriptAsync(NodeScripts.RunCommands(commands)).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var (what, exitCode, cause) = Failure(result);
            var index = int.TryParse(what, out var failed) && failed < commands.Length ? failed : -1;
            throw run.Error(
                index < 0 ? $"commands failed: {cause}" : $"command '{commands[index]}' failed with exit code {exitCode}: {cause}",
                "the command is part of the node's rendered bundle; run it on the node to see why it fails");
        }
        run.End(ConvergeStepStatus.Unchanged, $"ran {commands.Length}");
        return commands.Length;
    }

    private async Task<(ServicePlan Plan, ImmutableArray<ObservedUnit> Units)> ManageServicesAsync(
        Run run, NodeState state, ImmutableHashSet<string> owedRestarts, bool reload)
    {
        var services = run.Bundle.Services;
        var empty = new ServicePlan([], [], [], [], []);
        if (services.IsEmpty)
        {
            return (empty, []);
        }
        run.Begin(ConvergeStepKind.Services, "checking units");
        if (!state.HasSystemd)
        {
            throw run.Error("the node has no systemctl, so its services cannot be managed", "GridSpan nodes boot with systemd; check the image");
        }
        var units = state.Units;
        if (reload)
        {
            run.Progress("reloading systemd");
            var result = await run.ScriptAsync(NodeScripts.ReloadAndInspectUnits(run.Bundle, _options)).ConfigureAwait(false);
            if (!result.StandardOutput.Contains("END", StringComparison.Ordinal))
            {
                throw run.Error($"systemctl daemon-reload failed: {LastLines(result.StandardError, 4)}", "check the unit files the bundle writes");
            }
            units = NodeState.Parse(run.Bundle, result.StandardOutput).Units;
        }
        for (var index = 0; index < services.Length; index++)
        {
            if (!units[index].Exists)
            {
                throw run.Error($"unit '{services[index].Unit}' does not exist on the node",
                    "is the package that provides it among the node's packages, and is the image built with it?");
            }
        }
        var bundleUnits = services.Select(service => service.Unit).ToHashSet(StringComparer.Ordinal);
        var restart = services.Select(service => service.Unit).Where(owedRestarts.Contains).ToImmutableArray();
        var plan = new ServicePlan(
            Unmask: [.. services.Where((_, index) => units[index].IsMasked).Select(service => service.Unit)],
            Enable: [.. services.Where((_, index) => !units[index].IsEnabled).Select(service => service.Unit)],
            Restart: restart,
            Start: [.. services.Where((service, index) => !units[index].IsActive && !restart.Contains(service.Unit)).Select(service => service.Unit)],
            ForgetPendingRestarts: [.. state.PendingRestarts.Where(unit => !bundleUnits.Contains(unit)).Order(StringComparer.Ordinal)]);
        if (plan.IsEmpty)
        {
            run.End(ConvergeStepStatus.Unchanged, $"{services.Length} enabled and active");
            return (plan, units);
        }
        run.Progress(DescribePlan(plan));
        var managed = await run.ScriptAsync(NodeScripts.ManageServices(plan, _options)).ConfigureAwait(false);
        if (!managed.Succeeded)
        {
            var (action, unit, cause) = Failure(managed);
            var diagnosis = services.Any(service => service.Unit == unit) ? await DiagnoseAsync(run, unit).ConfigureAwait(false) : "";
            throw run.Error($"systemctl {action} {unit} failed ({cause}){diagnosis}", "the unit's log above says why; its configuration comes from the node's bundle");
        }
        var changed = !plan.Enable.IsEmpty || !plan.Restart.IsEmpty || !plan.Start.IsEmpty || !plan.Unmask.IsEmpty;
        run.End(changed ? ConvergeStepStatus.Changed : ConvergeStepStatus.Unchanged, DescribePlan(plan));
        return (plan, units);
    }

    private async Task CheckHealthAsync(Run run, ServicePlan plan, ImmutableArray<ObservedUnit> units)
    {
        var checks = _options.HealthChecks.Where(check => check.AppliesTo(run.Bundle)).ToList();
        var services = run.Bundle.Services;
        var mustWait = !plan.Restart.IsEmpty || !plan.Start.IsEmpty || units.Any(unit => !unit.IsActive);
        if (!mustWait && checks.Count == 0)
        {
            return;
        }
        run.Begin(ConvergeStepKind.Health, "waiting for units");
        if (mustWait && !services.IsEmpty)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var result = await run.ScriptAsync(NodeScripts.UnitStates(services.Select(service => service.Unit))).ConfigureAwait(false);
                var states = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var notActive = services.Select((service, index) => (service.Unit, State: index < states.Length ? states[index].Trim() : "unknown"))
                    .Where(unit => unit.State != "active")
                    .ToList();
                if (notActive.Count == 0)
                {
                    break;
                }
                var broken = notActive.FirstOrDefault(unit => unit.State is "failed" or "inactive");
                if (broken.Unit is not null || deadline.Elapsed > _options.HealthTimeout)
                {
                    var (unit, unitState) = broken.Unit is not null ? broken : notActive[0];
                    var diagnosis = await DiagnoseAsync(run, unit).ConfigureAwait(false);
                    throw run.Error($"unit '{unit}' is {unitState} instead of active{diagnosis}",
                        "the unit's log above says why; its configuration comes from the node's bundle");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(300), run.CancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var check in checks)
        {
            run.Progress(check.Name);
            await check.CheckAsync(run.Bundle, run.Session, run.CancellationToken).ConfigureAwait(false);
        }
        run.End(ConvergeStepStatus.Unchanged, $"{services.Length} units active" + (checks.Count == 0 ? "" : $", {checks.Count} checks passed"));
    }

    private static async Task<string> DiagnoseAsync(Run run, string unit)
    {
        var status = await run.ScriptAsync(NodeScripts.UnitDiagnosis(unit)).ConfigureAwait(false);
        var text = status.StandardOutput.Trim();
        return text.Length == 0 ? "" : ":\n" + text;
    }

    private static bool IsEqual(BundleFile wanted, ObservedFile? found) =>
        found is not null &&
        found.Sha256 == Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(wanted.Content))) &&
        found.Mode == (wanted.Mode & 0b111_111_111_111) &&
        found.Owner == wanted.Owner &&
        found.Group == wanted.Group;

    /// <summary>Reads "gridspan-failed TAB what [TAB detail]" and the failing tool's own words from a script's stderr.</summary>
    private static (string What, string Detail, string Message) Failure(CommandResult result)
    {
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tagged = lines.LastOrDefault(line => line.StartsWith(NodeScripts.FailureTag + "\t", StringComparison.Ordinal));
        var fields = tagged?.Split('\t', 3) ?? [];
        var message = string.Join("; ", lines.Where(line => line != tagged).Select(line => line.Trim()).TakeLast(4));
        return (fields.Length > 1 ? fields[1] : "", fields.Length > 2 ? fields[2] : "",
            message.Length > 0 ? message : $"exit code {result.ExitCode}, no message");
    }

    private static string? UnavailablePackage(CommandResult result)
    {
        foreach (var line in (result.StandardError + "\n" + result.StandardOutput).Split('\n'))
        {
            foreach (var marker in new[] { "Unable to locate package ", "Package '" })
            {
                var at = line.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0 && (marker.StartsWith("Unable", StringComparison.Ordinal) || line.Contains("has no installation candidate", StringComparison.Ordinal)))
                {
                    var rest = line[(at + marker.Length)..];
                    return rest.Split(' ', '\'')[0].Trim();
                }
            }
        }
        return null;
    }

    private static string LastLines(string text, int count) =>
        string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()).TakeLast(count));

    private static string Describe(NodeBundle bundle) =>
        $"{bundle.Files.Length} files, {bundle.Packages.Length} packages, {bundle.Services.Length} units";

    private static string Paths(List<(int Index, BundleFile File)> files) =>
        files.Count <= 3
            ? string.Join(", ", files.Select(entry => entry.File.Path))
            : $"{files.Count} files ({string.Join(", ", files.Take(2).Select(entry => entry.File.Path))}, ...)";

    private static string DescribePlan(ServicePlan plan)
    {
        var parts = new List<string>();
        void Add(string verb, ImmutableArray<string> units)
        {
            if (!units.IsEmpty)
            {
                parts.Add(verb + " " + string.Join(", ", units));
            }
        }
        Add("unmasked", plan.Unmask);
        Add("enabled", plan.Enable);
        Add("restarted", plan.Restart);
        Add("started", plan.Start);
        return parts.Count == 0 ? "nothing to do" : string.Join("; ", parts);
    }

    /// <summary>One converge in progress: the step it is in, and the way it reports and fails without leaking secrets.</summary>
    private sealed class Run(NodeBundle bundle, INodeSession session, IProgress<ConvergeStep>? progress, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        private ConvergeStepKind _step = ConvergeStepKind.Inspect;

        public NodeBundle Bundle { get; } = bundle;

        public INodeSession Session { get; } = session;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>
        /// Runs a script given as the command itself, so --verbose shows what runs; scripts that carry
        /// file contents (secrets) or are too long for one argument travel on stdin instead.
        /// </summary>
        public Task<CommandResult> ScriptAsync(string script, bool carriesContent = false) =>
            carriesContent || script.Length > MaxScriptArgument
                ? Session.RunAsync("sh -s", script, CancellationToken)
                : Session.RunAsync(script, null, CancellationToken);

        public void Begin(ConvergeStepKind step, string detail)
        {
            _step = step;
            Progress(detail);
        }

        public void Progress(string detail) => Report(ConvergeStepStatus.Running, detail);

        public void End(ConvergeStepStatus status, string detail) => Report(status, detail);

        public void Fail(string message) => Report(ConvergeStepStatus.Failed, message);

        /// <summary>"node 'x': step: cause", with secrets removed from the cause.</summary>
        public GridSpanException Error(string cause, string fix) =>
            GridSpanException.Failed($"node '{Bundle.NodeName}': {_step.ToString().ToLowerInvariant()}: {redactor.Redact(cause)}", fix);

        private void Report(ConvergeStepStatus status, string detail) =>
            progress?.Report(new ConvergeStep(Bundle.NodeName, _step, status, redactor.Redact(detail)));
    }
}
