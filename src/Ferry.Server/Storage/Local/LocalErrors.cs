namespace Ferry.Server.Storage.Local;

/// <summary>Turns OS exceptions into <see cref="StorageException"/> kinds; the OS text stays in the inner exception (for logs), never on the wire.</summary>
internal static class LocalErrors
{
    // On Unix, .NET puts the raw errno into IOException.HResult for errors it has no specific type for.
    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int EACCES = 13;
    private const int EEXIST = 17;
    private const int ENOTDIR = 20;
    private const int EISDIR = 21;
    private const int EXDEV = 18;
    private const int ENOSPC = 28;
    private const int EROFS = 30;
    private const int ENAMETOOLONG = 36;
    private const int ENOTEMPTY = 39;
    private const int ELOOP = 40;
    private const int EDQUOT = 122;

    public static StorageException Translate(Exception exception) => exception switch
    {
        StorageException storage => storage,
        FileNotFoundException or DirectoryNotFoundException => new StorageException(StorageErrorKind.NotFound, exception),
        UnauthorizedAccessException => new StorageException(StorageErrorKind.PermissionDenied, exception),
        PathTooLongException => new StorageException(StorageErrorKind.InvalidName, exception),
        IOException io => new StorageException(KindOf(io.HResult), exception),
        ArgumentException => new StorageException(StorageErrorKind.InvalidName, exception),
        _ => new StorageException(StorageErrorKind.Transient, exception),
    };

    /// <summary>
    /// An errno from Ferry's own system calls (openat2, readdir, statx, ...). The OS text goes into the inner
    /// exception, as .NET's own IOException would carry it.
    /// </summary>
    public static StorageException FromErrno(int errno) =>
        new(KindOf(errno), new IOException(System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno), errno));

    private static StorageErrorKind KindOf(int errno) => errno switch
    {
        // EXDEV and ELOOP are what a lookup that would leave the root (or loops) ends in
        // (ConfinedRoot): such a link reads as absent, as the README promises and
        // PathEscapeTests expect, so its target is never revealed.
        ENOENT or EXDEV or ELOOP => StorageErrorKind.NotFound,
        EPERM or EACCES or EROFS => StorageErrorKind.PermissionDenied,
        EEXIST => StorageErrorKind.AlreadyExists,
        ENOTDIR => StorageErrorKind.NotADirectory,
        EISDIR => StorageErrorKind.IsADirectory,
        ENOSPC => StorageErrorKind.InsufficientStorage,
        EDQUOT => StorageErrorKind.QuotaExceeded,
        ENAMETOOLONG => StorageErrorKind.InvalidName,
        ENOTEMPTY => StorageErrorKind.NotEmpty,
        _ => StorageErrorKind.Transient,
    };
}
