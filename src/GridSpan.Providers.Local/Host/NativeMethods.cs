using System.Runtime.InteropServices;

namespace GridSpan.Providers.Local.Host;

internal static partial class NativeMethods
{
    public const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nstype);
}
