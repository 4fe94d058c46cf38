namespace GridSpan.Core.Tests.Configure;

/// <summary>
/// A hand-written stand-in for systemctl (this machine has no systemd as PID 1): a shell script
/// first on the PATH of a test sshd's sessions, keeping each unit's enabled/active state in files
/// under the test's directory and logging every call, so tests can see exactly which units were
/// enabled, restarted and started. A unit fails to start while its "broken" file exists.
/// </summary>
internal sealed class FakeSystemd
{
    private const string Script = """
        #!/bin/sh
        state="${0%/bin/systemctl}/state"
        verb=$1; shift
        while [ "$1" = --quiet ] || [ "$1" = --no-reload ]; do shift; done
        echo "$verb $*" >> "$state/calls"
        if [ "$verb" = --no-pager ]; then verb=$1; shift; fi
        case "$verb" in
          daemon-reload) exit 0 ;;
          is-enabled)
            d="$state/units/$1"; [ -d "$d" ] || { echo "Failed to get unit file state for $1: No such file or directory" >&2; exit 1; }
            cat "$d/enabled"; [ "$(cat "$d/enabled")" = enabled ] ;;
          is-active)
            rc=0
            for u in "$@"; do
              if [ -d "$state/units/$u" ]; then s=$(cat "$state/units/$u/active"); else s=inactive; fi
              echo "$s"; [ "$s" = active ] || rc=3
            done
            exit $rc ;;
          enable) for u in "$@"; do echo enabled > "$state/units/$u/enabled"; done ;;
          unmask) for u in "$@"; do echo disabled > "$state/units/$u/enabled"; done ;;
          start|restart)
            u=$1
            [ -d "$state/units/$u" ] || { echo "Unit $u not found." >&2; exit 5; }
            if [ -e "$state/units/$u/broken" ]; then echo failed > "$state/units/$u/active"; echo "Job for $u failed." >&2; exit 1; fi
            echo active > "$state/units/$u/active" ;;
          status) for u in "$@"; do :; done; echo "x $u - fake unit"; echo "   Active: $(cat "$state/units/$u/active")"; echo "fake[1]: could not read config" ;;
          *) echo "fake systemctl: $verb not supported" >&2; exit 1 ;;
        esac
        """;

    public FakeSystemd(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "bin"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "state", "units"));
        var systemctl = Path.Combine(directory, "bin", "systemctl");
        File.WriteAllText(systemctl, Script.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(systemctl, (UnixFileMode)0b111_101_101);
        }
        File.WriteAllText(CallsFile, "");
    }

    public string Directory { get; }

    /// <summary>sshd_config lines that put the fake first on the PATH of every session.</summary>
    public IEnumerable<string> SshdConfig => [$"SetEnv PATH={Path.Combine(Directory, "bin")}:/usr/sbin:/usr/bin:/sbin:/bin"];

    private string CallsFile => Path.Combine(Directory, "state", "calls");

    public void AddUnit(string unit, string enabled = "disabled", string active = "inactive")
    {
        var path = Path.Combine(Directory, "state", "units", unit);
        System.IO.Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "enabled"), enabled + "\n");
        File.WriteAllText(Path.Combine(path, "active"), active + "\n");
    }

    public void Break(string unit, bool broken = true)
    {
        var path = Path.Combine(Directory, "state", "units", unit, "broken");
        if (broken)
        {
            File.WriteAllText(path, "");
        }
        else
        {
            File.Delete(path);
        }
    }

    public string Enabled(string unit) => File.ReadAllText(Path.Combine(Directory, "state", "units", unit, "enabled")).Trim();

    public string Active(string unit) => File.ReadAllText(Path.Combine(Directory, "state", "units", unit, "active")).Trim();

    /// <summary>The state-changing calls since the last time they were taken, e.g. "restart b.service".</summary>
    public IReadOnlyList<string> TakeChanges()
    {
        var calls = File.ReadAllLines(CallsFile)
            .Where(call => !call.StartsWith("is-", StringComparison.Ordinal) && !call.StartsWith("status", StringComparison.Ordinal) && !call.StartsWith("--no-pager", StringComparison.Ordinal))
            .ToList();
        File.WriteAllText(CallsFile, "");
        return calls;
    }
}
