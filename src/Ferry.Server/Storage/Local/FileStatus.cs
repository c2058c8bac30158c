using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// struct statx (linux/stat.h): 256 bytes with the same layout on every architecture. Only the
/// fields a listing reads are named; the kernel fills the rest.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct FileStatus
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int DirectoryType = 0x4000; // S_IFDIR
    private const int SymbolicLinkType = 0xA000; // S_IFLNK
    private const int RegularFileType = 0x8000; // S_IFREG
    private const int PermissionMask = 0xFFF; // rwx for all three plus setuid, setgid and sticky, as .NET's UnixFileMode

    // The earliest and latest seconds since 1970 a DateTime holds (years 1 and 9999).
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    [FieldOffset(16)]
    private readonly uint _linkCount;

    [FieldOffset(28)]
    private readonly ushort _mode;

    [FieldOffset(32)]
    private readonly ulong _inode;

    [FieldOffset(40)]
    private readonly ulong _size;

    [FieldOffset(112)]
    private readonly long _modifiedSeconds;

    [FieldOffset(120)]
    private readonly uint _modifiedNanoseconds;

    [FieldOffset(136)]
    private readonly uint _deviceMajor;

    [FieldOffset(140)]
    private readonly uint _deviceMinor;

    public readonly bool IsDirectory => (_mode & TypeMask) == DirectoryType;

    public readonly bool IsSymbolicLink => (_mode & TypeMask) == SymbolicLinkType;

    public readonly bool IsRegularFile => (_mode & TypeMask) == RegularFileType;

    /// <summary>st_nlink: names this inode has (STATX_NLINK); above one for a regular file means a hard link elsewhere shares it.</summary>
    public readonly uint LinkCount => _linkCount;

    public readonly long Size => (long)_size;

    /// <summary>The MLSx unique fact's value (<see cref="FileSystemEntry.UniqueId"/>): device and inode.</summary>
    public readonly UInt128 UniqueId => new(Device, _inode);

    /// <summary>st_ino: with <see cref="Device"/>, what names one file.</summary>
    public readonly ulong Inode => _inode;

    /// <summary>st_mode without the file type: rwx for all three plus setuid, setgid and sticky.</summary>
    public readonly uint PermissionBits => (uint)(_mode & PermissionMask);

    /// <summary>
    /// The device in stat(2)'s st_dev encoding (glibc's makedev), so the unique fact reads as
    /// `stat -c '%d %i'` and Python's os.stat would print it.
    /// </summary>
    public readonly ulong Device =>
        ((ulong)(_deviceMajor & 0xFFFFF000) << 32) | ((ulong)(_deviceMajor & 0xFFF) << 8)
        | ((ulong)(_deviceMinor & 0xFFFFFF00) << 12) | (_deviceMinor & 0xFF);

    /// <summary>
    /// The entry as listings show it. Every non-directory (FIFO, socket, device) is a file with
    /// st_size, as DirectoryInfo enumeration reported them; directories have size 0. The unique
    /// id is device and inode (RFC 3659 §7.5.2 names exactly these), so hard links share it.
    /// </summary>
    public readonly FileSystemEntry ToEntry(string name)
    {
        var isDirectory = IsDirectory;
        return new FileSystemEntry(
            name,
            isDirectory,
            isDirectory ? 0 : (long)_size,
            ModifiedUtc,
            (UnixFileMode)(_mode & PermissionMask),
            new UInt128(Device, _inode));
    }

    /// <summary>st_mtime to the nanosecond, which a kept checksum is bound to (a write in the same 100 ns tick is still seen).</summary>
    public readonly (long Seconds, uint Nanoseconds) ModifiedExactly => (_modifiedSeconds, _modifiedNanoseconds);

    /// <summary>st_mtime to 100 ns ticks, as FileSystemInfo.LastWriteTimeUtc does; clamped to what DateTime can hold.</summary>
    public readonly DateTime ModifiedUtc =>
        _modifiedSeconds < MinUnixSeconds ? DateTime.MinValue
        : _modifiedSeconds > MaxUnixSeconds ? DateTime.MaxValue
        : DateTime.UnixEpoch.AddTicks((_modifiedSeconds * TimeSpan.TicksPerSecond) + (_modifiedNanoseconds / 100));
}
