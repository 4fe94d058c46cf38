using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace GridSpan.Common;

/// <summary>
/// Files and directories only their owner may touch, made so another user cannot redirect them:
/// every file and directory is created exclusively (O_CREAT|O_EXCL, mkdir), which never follows a
/// symlink planted in its place, under a random name where the name would otherwise be guessable;
/// and a private file is trusted on load only when it is a regular file of this user that nobody
/// else can read or write.
/// </summary>
public static partial class PrivateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>Replaces <paramref name="path"/> atomically: a new file under a random name beside it, written, flushed, renamed over it.</summary>
    public static void WriteAtomically(string path, Action<Stream> write, UnixFileMode mode = OwnerOnly)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        try
        {
            using (var stream = CreateNew(temporary, mode))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Creates a file that did not exist (a symlink in its place is an error, never followed), with its final mode from the start.</summary>
    public static FileStream CreateNew(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw Unsupported();
        }
        var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
        File.SetUnixFileMode(stream.SafeFileHandle, mode);
        return stream;
    }

    /// <summary>A new directory (0700) under <paramref name="parent"/>, named <paramref name="prefix"/> and random characters, as mkdtemp(3) makes one.</summary>
    public static string CreateDirectory(string parent, string prefix)
    {
        RequireUnix();
        for (var attempt = 0; ; attempt++)
        {
            var path = Path.Combine(parent, prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
            if (MakeDirectory(path, (int)OwnerDirectory) == 0)
            {
                return path;
            }
            var error = Marshal.GetLastPInvokeError();
            if (error != EEXIST || attempt > 100)
            {
                throw GridSpanException.Failed($"cannot create a private directory in {parent}: {Marshal.GetPInvokeErrorMessage(error)}",
                    $"check that {parent} exists and is writable by you");
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="path"/> (and its missing parents) unless it exists, and requires it to be a real
    /// directory of this user that nobody else can enter: one of this user's with a wider mode is narrowed
    /// to 0700; a symlink or another user's directory is refused, never followed or changed.
    /// </summary>
    public static void EnsureDirectory(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!TryEnsureDirectory(path))
        {
            throw GridSpanException.Failed($"{what} {path} is not a private directory of yours: it is a symlink, not a directory, or another user's",
                $"remove {path} if nobody needs it, then run the command again");
        }
    }

    /// <summary>
    /// The directory for this user's short-lived files (sockets, scratch copies): <paramref name="preferred"/>
    /// ($XDG_RUNTIME_DIR, see <see cref="HostEnvironment.RuntimeDirectory"/>) when it is this user's and private;
    /// otherwise gridspan-UID under the temporary directory, when this user owns it privately (made here if
    /// missing); otherwise, when another user has taken that name, a new random one.
    /// </summary>
    public static string RuntimeDirectory(string? preferred)
    {
        if (preferred is { Length: > 0 } && IsPrivateDirectory(preferred))
        {
            return preferred;
        }
        return FallbackRuntime.Value;
    }

    private static readonly Lazy<string> FallbackRuntime = new(() =>
    {
        var perUser = Path.Combine(Path.GetTempPath(), $"gridspan-{EffectiveUserId()}");
        return TryEnsureDirectory(perUser) ? perUser : CreateDirectory(Path.GetTempPath(), "gridspan-run-");
    });

    /// <summary>Makes one directory (its parent must exist); false when something already has its name, which may be a symlink.</summary>
    public static bool TryMakeDirectory(string path, UnixFileMode mode)
    {
        RequireUnix();
        if (MakeDirectory(path, (int)mode) == 0)
        {
            return true;
        }
        var error = Marshal.GetLastPInvokeError();
        return error == EEXIST ? false : throw GridSpanException.Failed($"cannot create the directory {path}: {Marshal.GetPInvokeErrorMessage(error)}",
            $"check that {Path.GetDirectoryName(path)} exists and is writable by you");
    }

    private static bool TryEnsureDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw Unsupported();
        }
        if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) is { Length: > 0 } parent && !Directory.Exists(parent))
        {
            Directory.CreateDirectory(parent);
        }
        if (MakeDirectory(path, (int)OwnerDirectory) != 0 && Marshal.GetLastPInvokeError() is var error && error != EEXIST)
        {
            throw GridSpanException.Failed($"cannot create the directory {path}: {Marshal.GetPInvokeErrorMessage(error)}",
                $"check that {Path.GetDirectoryName(path)} exists and is writable by you");
        }
        if (Status(path) is not { Type: FileType.Directory } status || status.Owner != EffectiveUserId())
        {
            return false;
        }
        if ((status.Mode & 0b000_111_111) != 0)
        {
            // A real directory of ours: nobody else can swap it for a symlink between the check and the change.
            File.SetUnixFileMode(path, OwnerDirectory);
        }
        return true;
    }

    /// <summary>Refuses a file that is not a regular file of this user, or that others may read or write.</summary>
    public static void RequirePrivate(string path, string what)
    {
        var status = Status(path) ?? throw GridSpanException.NotFound($"{what} {path} does not exist");
        if (status.Type != FileType.Regular)
        {
            throw GridSpanException.Failed($"{what} {path} is not a regular file (a symlink or device is never trusted)",
                $"replace it with the real file, owned by you and mode 0600");
        }
        if (status.Owner != EffectiveUserId())
        {
            throw GridSpanException.Failed($"{what} {path} belongs to user id {status.Owner}, not to you (user id {EffectiveUserId()})",
                $"only a file you own is trusted: check who wrote it; if it is yours, run: chown $(id -u) {path}");
        }
        if ((status.Mode & 0b000_110_110) != 0)
        {
            throw GridSpanException.Failed($"{what} {path} can be read or written by other users", $"run: chmod 600 {path}");
        }
    }

    /// <summary>True when <paramref name="path"/> is a real directory (not a symlink) of this user that nobody else can enter.</summary>
    public static bool IsPrivateDirectory(string path) =>
        Status(path) is { Type: FileType.Directory } status && status.Owner == EffectiveUserId() && (status.Mode & 0b000_111_111) == 0;

    /// <summary>True when anything has the name <paramref name="path"/>, a dangling symlink included (it is not followed).</summary>
    public static bool Exists(string path) => Status(path) is not null;

    /// <summary>True when <paramref name="path"/> itself is a symlink (it is not followed).</summary>
    public static bool IsSymlink(string path) => Status(path) is { Type: FileType.Symlink };

    public static uint EffectiveUserId()
    {
        RequireUnix();
        return GetEffectiveUserId();
    }

    private enum FileType
    {
        Other,
        Regular,
        Directory,
        Symlink,
    }

    private sealed record FileStatus(FileType Type, uint Owner, int Mode);

    /// <summary>lstat through statx(2), whose layout is the same on every Linux architecture.</summary>
    private static FileStatus? Status(string path)
    {
        RequireUnix();
        var buffer = new byte[256];
        if (StatX(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxTypeModeUid, buffer) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error == ENOENT ? null : throw GridSpanException.Failed($"cannot inspect {path}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        var owner = BitConverter.ToUInt32(buffer, 20);
        var mode = BitConverter.ToUInt16(buffer, 28);
        var type = (mode & 0xF000) switch
        {
            0x8000 => FileType.Regular,
            0x4000 => FileType.Directory,
            0xA000 => FileType.Symlink,
            _ => FileType.Other,
        };
        return new FileStatus(type, owner, mode & 0xFFF);
    }

    private static void RequireUnix()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw Unsupported();
        }
    }

    private static GridSpanException Unsupported() =>
        GridSpanException.HostUnsupported("private files need Linux file ownership and modes", "run GridSpan on Linux");

    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeModeUid = 0x1 | 0x2 | 0x8;
    private const int ENOENT = 2;
    private const int EEXIST = 17;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directory, string path, int flags, uint mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeDirectory(string path, int mode);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
