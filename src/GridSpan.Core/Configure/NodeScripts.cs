using System.Globalization;
using System.Text;
using GridSpan.Render;
using GridSpan.Common.Quoting;

namespace GridSpan.Configure;

/// <summary>
/// The POSIX shell scripts the converger runs on a node. Every name from a bundle (path, package,
/// unit, owner) is quoted; file contents travel as base64 inside the script, which is sent on stdin.
/// Failures are reported on stderr as "gridspan-failed TAB what TAB detail" so the converger can
/// name the file, unit or command that failed.
/// </summary>
public static class NodeScripts
{
    public const int Base64LineLength = 76;
    public const string FailureTag = "gridspan-failed";
    private const string EndOfFile = "GRIDSPAN_END_OF_FILE"; // '_' never occurs in base64

    /// <summary>Reads all state in one go; see <see cref="NodeState.Parse"/> for the answer's format.</summary>
    public static string Inspect(NodeBundle bundle, ConvergeOptions options) => InspectScript(bundle, options, unitsOnly: false);

    /// <summary>Reloads systemd's view of unit files and reads the units again (after new unit files or packages).</summary>
    public static string ReloadAndInspectUnits(NodeBundle bundle, ConvergeOptions options) =>
        "systemctl daemon-reload || exit 1\n" +
        $"rm -f {ShellQuote.Quote(PendingDaemonReload(options))}\n" +
        InspectScript(bundle, options, unitsOnly: true);

    private static string InspectScript(NodeBundle bundle, ConvergeOptions options, bool unitsOnly)
    {
        var script = new StringBuilder();
        script.AppendLine("export LC_ALL=C");
        if (unitsOnly)
        {
            bundle = bundle with { Files = [], Packages = [] };
        }
        script.AppendLine("F() { if [ -f \"$2\" ]; then printf 'F\\t%s\\t%s\\t%s\\n' \"$1\" \"$(sha256sum < \"$2\" | cut -c1-64)\" \"$(stat --printf '%a\\t%U\\t%G' \"$2\")\"; fi; }");
        for (var index = 0; index < bundle.Files.Length; index++)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"F {index} {ShellQuote.Quote(bundle.Files[index].Path)}");
        }
        if (!bundle.Packages.IsEmpty)
        {
            script.AppendLine(CultureInfo.InvariantCulture,
                $"dpkg-query -W -f='P\\t${{Package}}\\t${{db:Status-Abbrev}}\\n' {ShellQuote.Join(bundle.Packages)} 2>/dev/null");
        }
        if (!bundle.Services.IsEmpty)
        {
            script.AppendLine("if command -v systemctl >/dev/null 2>&1; then");
            script.AppendLine("U() { printf 'U\\t%s\\t%s\\t%s\\n' \"$1\" \"$(systemctl is-enabled \"$2\" 2>/dev/null)\" \"$(systemctl is-active \"$2\" 2>/dev/null)\"; }");
            for (var index = 0; index < bundle.Services.Length; index++)
            {
                script.AppendLine(CultureInfo.InvariantCulture, $"U {index} {ShellQuote.Quote(bundle.Services[index].Unit)}");
            }
            script.AppendLine("else printf 'S\\tno-systemd\\n'; fi");
        }
        var pending = PendingRestartDirectory(options);
        script.AppendLine(CultureInfo.InvariantCulture,
            $"if [ -d {ShellQuote.Quote(pending)} ]; then for f in {ShellQuote.Quote(pending)}/*; do [ -e \"$f\" ] && printf 'R\\t%s\\n' \"${{f##*/}}\"; done; fi");
        script.AppendLine(CultureInfo.InvariantCulture, $"if [ -e {ShellQuote.Quote(PendingDaemonReload(options))} ]; then printf 'D\\n'; fi");
        script.AppendLine("printf 'END\\n'");
        return script.ToString();
    }

    public static string InstallPackages(IEnumerable<string> packages) =>
        "export DEBIAN_FRONTEND=noninteractive LC_ALL=C\n" +
        "apt-get -q -y -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold " +
        "install --no-install-recommends " + ShellQuote.Join(packages) + "\n";

    public const string RefreshPackageIndex = "export DEBIAN_FRONTEND=noninteractive LC_ALL=C\napt-get -q -o DPkg::Lock::Timeout=600 update\n";

    /// <summary>
    /// Writes files atomically (temporary file beside the target, owner and mode set, then renamed
    /// over it). Before any file moves, it records the restarts the new files will owe, so a run
    /// interrupted after the rename still restarts the units next time.
    /// </summary>
    public static string WriteFiles(IReadOnlyList<(int Index, BundleFile File)> files, IEnumerable<string> unitsToRestart, bool unitFilesChanged, ConvergeOptions options)
    {
        var script = new StringBuilder();
        script.AppendLine("umask 077");
        script.AppendLine(CultureInfo.InvariantCulture, $"fail() {{ printf '{FailureTag}\\t%s\\n' \"$1\" >&2; rm -f \"$t\"; exit 1; }}");
        script.AppendLine("t=");
        var pending = PendingRestartDirectory(options);
        script.AppendLine(CultureInfo.InvariantCulture, $"mkdir -p {ShellQuote.Quote(pending)} || fail state");
        foreach (var unit in unitsToRestart)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $": > {ShellQuote.Quote(pending + "/" + unit)} || fail state");
        }
        if (unitFilesChanged)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $": > {ShellQuote.Quote(PendingDaemonReload(options))} || fail state");
        }
        foreach (var (index, file) in files)
        {
            var path = ShellQuote.Quote(file.Path);
            // New directories are 0755 (a 0700 /etc/slurm would hide slurm.conf from slurmd); new files start private.
            script.AppendLine(CultureInfo.InvariantCulture, $"(umask 022 && mkdir -p {ShellQuote.Quote(Parent(file.Path))}) || fail {index}");
            script.AppendLine(CultureInfo.InvariantCulture, $"t={ShellQuote.Quote(file.Path + ".gridspan-new")}");
            script.AppendLine(CultureInfo.InvariantCulture, $"base64 -d > \"$t\" <<'{EndOfFile}' || fail {index}");
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(file.Content));
            for (var start = 0; start < encoded.Length; start += Base64LineLength)
            {
                script.AppendLine(encoded.Substring(start, Math.Min(Base64LineLength, encoded.Length - start)));
            }
            script.AppendLine(EndOfFile);
            script.AppendLine(CultureInfo.InvariantCulture, $"chown {ShellQuote.Quote(file.Owner + ":" + file.Group)} \"$t\" || fail {index}");
            script.AppendLine(CultureInfo.InvariantCulture, $"chmod {Convert.ToString(file.Mode, 8)} \"$t\" || fail {index}");
            script.AppendLine(CultureInfo.InvariantCulture, $"mv -fT \"$t\" {path} || fail {index}");
        }
        return script.ToString();
    }

    /// <summary>
    /// Creates each missing account (group first, same id), and fails naming an account whose ids
    /// differ from the bundle's. Prints "made TAB name" for each account it created.
    /// </summary>
    public static string EnsureAccounts(IEnumerable<BundleAccount> accounts)
    {
        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"fail() {{ printf '{FailureTag}\\t%s\\t%s\\n' \"$1\" \"$2\" >&2; exit 1; }}");
        foreach (var account in accounts)
        {
            var name = ShellQuote.Quote(account.Name);
            var id = account.Id.ToString(CultureInfo.InvariantCulture);
            script.AppendLine(CultureInfo.InvariantCulture, $"if u=$(id -u {name} 2>/dev/null); then");
            script.AppendLine(CultureInfo.InvariantCulture, $"  [ \"$u:$(id -g {name})\" = {id}:{id} ] || fail {name} \"has uid:gid $u:$(id -g {name})\"");
            script.AppendLine("else");
            script.AppendLine(CultureInfo.InvariantCulture, $"  getent group {name} >/dev/null || groupadd --gid {id} {name} || fail {name} groupadd");
            script.AppendLine(CultureInfo.InvariantCulture,
                $"  useradd --uid {id} --gid {id} --home-dir {ShellQuote.Quote(account.Home)} --shell /bin/bash {(account.CreateHome ? "--create-home" : "--no-create-home")} {name} || fail {name} useradd");
            script.AppendLine(CultureInfo.InvariantCulture, $"  printf 'made\\t%s\\n' {name}");
            script.AppendLine("fi");
        }
        return script.ToString();
    }

    /// <summary>Runs the bundle's commands in order, stopping at the first that fails.</summary>
    public static string RunCommands(IReadOnlyList<string> commands)
    {
        var script = new StringBuilder();
        for (var index = 0; index < commands.Count; index++)
        {
            script.AppendLine(CultureInfo.InvariantCulture,
                $"sh -c {ShellQuote.Quote(commands[index])} >/dev/null || {{ printf '{FailureTag}\\t%s\\t%s\\n' {index} $? >&2; exit 1; }}");
        }
        return script.ToString();
    }

    /// <summary>Unmasks and enables, restarts what changed, starts what is down.</summary>
    public static string ManageServices(ServicePlan plan, ConvergeOptions options)
    {
        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"fail() {{ printf '{FailureTag}\\t%s\\t%s\\n' \"$1\" \"$2\" >&2; exit 1; }}");
        foreach (var unit in plan.Unmask)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"systemctl unmask --quiet {ShellQuote.Quote(unit)} || fail unmask {ShellQuote.Quote(unit)}");
        }
        if (!plan.Enable.IsEmpty)
        {
            // Only the links for the next boot: units are started below, and systemd already read the
            // current unit files. Debian's SysV compatibility would run update-rc.d for each unit that
            // also has an init script (munge, slurmd), each reloading systemd: seconds on a busy node.
            // Every unit GridSpan manages has a native unit file, which systemd prefers to the init script.
            script.AppendLine(CultureInfo.InvariantCulture,
                $"SYSTEMCTL_SKIP_SYSV=1 systemctl enable --quiet --no-reload {ShellQuote.Join(plan.Enable)} || fail enable {ShellQuote.Quote(string.Join(' ', plan.Enable))}");
        }
        foreach (var unit in plan.Restart)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"systemctl restart {ShellQuote.Quote(unit)} || fail restart {ShellQuote.Quote(unit)}");
            script.AppendLine(CultureInfo.InvariantCulture, $"rm -f {ShellQuote.Quote(PendingRestartDirectory(options) + "/" + unit)}");
        }
        foreach (var unit in plan.Start)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"systemctl start {ShellQuote.Quote(unit)} || fail start {ShellQuote.Quote(unit)}");
        }
        foreach (var stale in plan.ForgetPendingRestarts)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"rm -f {ShellQuote.Quote(PendingRestartDirectory(options) + "/" + stale)}");
        }
        return script.ToString();
    }

    public static string UnitStates(IEnumerable<string> units) => "systemctl is-active " + ShellQuote.Join(units) + "\n";

    public static string UnitDiagnosis(string unit) =>
        $"systemctl status --no-pager --lines=15 {ShellQuote.Quote(unit)} 2>&1 | tail -n 20\n";

    public static string PendingRestartDirectory(ConvergeOptions options) => options.StateDirectory.TrimEnd('/') + "/pending-restart";

    private static string PendingDaemonReload(ConvergeOptions options) => options.StateDirectory.TrimEnd('/') + "/pending-daemon-reload";

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
