using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// glibc's directory stream and statx(2), the two calls a listing makes per entry: readdir(3)
/// hands out names from a getdents64 buffer (one system call per ~32 KiB of names), statx reads
/// one entry's status relative to the open directory, so no full path is built or resolved.
/// </summary>
internal static unsafe partial class DirectoryNative
{
    /// <summary>Report a symlink itself, as lstat(2) does.</summary>
    public const int AtSymlinkNoFollow = 0x100;

    /// <summary>STATX_TYPE | STATX_MODE | STATX_MTIME | STATX_INO | STATX_SIZE: all a listing shows (the device comes with every call).</summary>
    public const uint ListingMask = 0x1 | 0x2 | 0x40 | 0x100 | 0x200;

    /// <summary>The listing's fields plus STATX_NLINK, for the hard-link check before a change.</summary>
    public const uint ChangeMask = ListingMask | 0x4;

    /// <summary>Offset of d_reclen in glibc's 64-bit struct dirent (u64 d_ino, i64 d_off, u16 d_reclen, u8 d_type, char d_name[]).</summary>
    public const int DirentRecordLengthOffset = 16;

    /// <summary>Offset of d_name in the same struct.</summary>
    public const int DirentNameOffset = 19;

    /// <summary>fdopendir(3): a directory stream over a descriptor opened inside the user's root; the stream owns it from then on.</summary>
    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    public static partial SafeDirectoryHandle OpenDirectory(int descriptor);

    /// <summary>A struct dirent*, valid until the next call on the same stream; null at the end or on an error (errno tells which).</summary>
    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    public static partial byte* ReadDirectory(IntPtr directory);

    [LibraryImport("libc", EntryPoint = "dirfd", SetLastError = true)]
    public static partial int DirectoryDescriptor(IntPtr directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    public static partial int CloseDirectory(IntPtr directory);

    /// <summary>statx(2) of a NUL-terminated name relative to <paramref name="directoryDescriptor"/> (glibc 2.28+).</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int directoryDescriptor, byte* path, int flags, uint mask, FileStatus* status);

}
