using System.Runtime.InteropServices;

namespace GridSpan.Cli;

/// <summary>
/// slurmctld starts its power-saving programs with signals blocked (SIGCHLD among them), and a
/// blocked SIGCHLD means .NET never learns that a child (ssh, scontrol) exited: every command would
/// hang until its timeout. The hooks clear the calling thread's mask first; the runtime's signal
/// handling then runs on that thread.
/// </summary>
internal static partial class SignalMask
{
    private const int SigSetMask = 2;

    public static void Clear()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var empty = new byte[128]; // glibc's sigset_t
        _ = SetMask(SigSetMask, empty, IntPtr.Zero);
    }

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    private static partial int SetMask(int how, [In] byte[] set, IntPtr oldSet);
}
