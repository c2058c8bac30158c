using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// The system calls that act on a name relative to a directory descriptor, so that no path is
/// looked up from "/" again once the user's root is open. glibc 2.36 (Debian 12) has no wrapper
/// for openat2(2) or fchmodat2(2), so those go through syscall(2) with their numbers, which are
/// the same on x86-64 and arm64 (the generic table).
/// </summary>
internal static unsafe partial class JailNative
{
    public const int ENOENT = 2;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int EOPNOTSUPP = 95;

    /// <summary>AT_REMOVEDIR for unlinkat: remove a directory, as rmdir(2).</summary>
    public const int RemoveDirectory = 0x200;

    /// <summary>AT_EMPTY_PATH: act on the descriptor itself (an O_PATH handle included).</summary>
    public const int EmptyPath = 0x1000;

    /// <summary>RENAME_NOREPLACE for renameat2: fail with EEXIST instead of replacing the target.</summary>
    public const uint NoReplace = 0x1;

    /// <summary>UTIME_OMIT: leave this timestamp as it is.</summary>
    public const long OmitTime = (1L << 30) - 2;

    /// <summary>POSIX_FADV_SEQUENTIAL: a larger read-ahead, as FileOptions.SequentialScan asked for.</summary>
    public const int AdviseSequential = 2;
    public const int AdviseDontNeed = 4;

    private const long SysOpenat2 = 437;
    private const long SysFchmodat2 = 452;

    /// <summary>openat2(2); the descriptor, or -1 with errno set.</summary>
    public static int OpenAt2(int directory, byte* path, OpenHow* how) =>
        (int)Syscall(SysOpenat2, directory, path, how, (nuint)sizeof(OpenHow));

    /// <summary>fchmodat2(2) (Linux 6.6): with AT_EMPTY_PATH it changes the mode of an O_PATH handle's file.</summary>
    public static int ChangeModeAt(int directory, byte* path, uint mode, int flags) =>
        (int)Syscall(SysFchmodat2, directory, path, mode, flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int directory, byte* path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int directory, byte* path, uint mode, int flags);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int directory, byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int MakeDirectoryAt(int directory, byte* name, uint mode);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int directory, byte* name, int flags);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    public static partial int RenameAt(int fromDirectory, byte* fromName, int toDirectory, byte* toName, uint flags);

    /// <summary>readlinkat(2); with an empty name, the target of the symlink an O_PATH|O_NOFOLLOW handle holds.</summary>
    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int directory, byte* name, byte* buffer, nuint size);

    /// <summary>utimensat(2) with two struct timespec (atime, mtime).</summary>
    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true)]
    public static partial int SetTimesAt(int directory, byte* name, long* times, int flags);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ChangeMode(string path, uint mode);

    /// <summary>fdatasync(2): the file's data (and the size that reaches it) on disk before the rename publishes it.</summary>
    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int SyncData(int descriptor);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int ChangeModeOf(int descriptor, uint mode);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Truncate(int descriptor, long length);

    /// <summary>posix_fadvise returns the error number itself (0 on success) and leaves errno alone.</summary>
    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    public static partial int Advise(int descriptor, long offset, long length, int advice);
}
