using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace GridSpan.Common;

/// <summary>
/// Reads a file whose path a user wrote (the configuration file, public key files), only when it is a
/// regular file of a sane size. .NET's own readers block forever on a FIFO and read /dev/zero until
/// memory runs out, and .NET cannot tell a device or FIFO from a file, so the type is asked of the
/// kernel (statx), before opening and again on the opened file.
/// </summary>
public static partial class UserFile
{
    /// <param name="Text">The file's UTF-8 text (without a byte order mark), or null when it was refused.</param>
    /// <param name="Problem">Why it was refused (for "cannot read the file: ..."), or null.</param>
    public sealed record Outcome(string? Text, string? Problem);

    public static Outcome ReadText(string path, int maximumBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return new(null, "the path holds a NUL character");
        }
        if (path.Length == 0)
        {
            return new(null, "the path is empty");
        }
        if (Check(StatPath(path), maximumBytes) is { } before)
        {
            return before;
        }
        var descriptor = Open(path, OpenReadOnly | OpenNonBlocking | OpenNoControllingTerminal | OpenCloseOnExec);
        if (descriptor < 0)
        {
            return ErrnoOutcome(Marshal.GetLastPInvokeError());
        }
        using var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        // The path may have changed between the two looks; what was opened is what counts.
        if (Check(StatDescriptor(descriptor), maximumBytes) is { } after)
        {
            return after;
        }
        var buffer = new byte[maximumBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0)
        {
            total += read;
        }
        if (total > maximumBytes)
        {
            return new(null, $"it is larger than {Size(maximumBytes)}");
        }
        var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(buffer, 0, total);
        return new(text.TrimStart('\uFEFF'), null);
    }

    private static Outcome? Check((int Errno, int Type, long Size) status, int maximumBytes)
    {
        if (status.Errno != 0)
        {
            return ErrnoOutcome(status.Errno);
        }
        return status.Type switch
        {
            TypeDirectory => new(null, "it is a directory, not a file"),
            not TypeRegular => new(null, "it is not a regular file (a device, FIFO or socket)"),
            _ when status.Size > maximumBytes => new(null, $"it is larger than {Size(maximumBytes)} ({status.Size:N0} bytes)"),
            _ => null,
        };
    }

    private static Outcome ErrnoOutcome(int errno) => errno switch
    {
        NoSuchEntry or NotADirectory => new(null, "there is no such file"),
        AccessDenied => new(null, "permission denied"),
        _ => new(null, Marshal.GetPInvokeErrorMessage(errno)),
    };

    private static string Size(int bytes) => bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    private static (int Errno, int Type, long Size) StatPath(string path) => Stat(CurrentDirectory, path, 0);

    private static (int Errno, int Type, long Size) StatDescriptor(int descriptor) => Stat(descriptor, "", EmptyPath);

    /// <summary>struct statx has one layout on every architecture: stx_mode at byte 28, stx_size at byte 40.</summary>
    private static (int Errno, int Type, long Size) Stat(int directory, string path, int flags)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (StatX(directory, path, flags, WantTypeAndSize, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return (Marshal.GetLastPInvokeError(), 0, 0);
        }
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        var size = BinaryPrimitives.ReadInt64LittleEndian(buffer[40..]);
        return (0, mode & TypeMask, size);
    }

    private const int CurrentDirectory = -100;
    private const int EmptyPath = 0x1000;
    private const uint WantTypeAndSize = 0x1 | 0x200;
    private const int TypeMask = 0xF000;
    private const int TypeDirectory = 0x4000;
    private const int TypeRegular = 0x8000;
    private const int OpenReadOnly = 0;
    private const int OpenNoControllingTerminal = 0x100;
    private const int OpenNonBlocking = 0x800;
    private const int OpenCloseOnExec = 0x80000;
    private const int NoSuchEntry = 2;
    private const int AccessDenied = 13;
    private const int NotADirectory = 20;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directory, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
