namespace Ferry.Server.Storage.Local;

/// <summary>
/// The permission bits a replaced file keeps. A new file gets 0666 less the configured umask
/// (<see cref="UploadModes"/>, set by fchmod). A replaced file: the old file's rwx bits, because STOR used to
/// write into the old inode and kept its mode, and a user who ran SITE CHMOD 600 on a file expects
/// the next version to stay private. Setuid, setgid and sticky are not carried over: the kernel
/// clears setuid and setgid when an unprivileged process writes to a file, and a rename must not
/// hand them to new contents.
/// </summary>
internal static class UploadFileMode
{
    /// <summary>What open(2) is asked for when creating a file, before the configured mode is set on its descriptor.</summary>
    public const uint Create = 0b110_110_110;

    private const uint ReadWriteExecute = 0b111_111_111;

    /// <summary>The mode to set on the new file that replaces <paramref name="existing"/>.</summary>
    public static uint Replacing(in FileStatus existing) => existing.PermissionBits & ReadWriteExecute;
}
