namespace Ferry.Server.Storage;

/// <summary>The closed set of storage failures; <c>FtpReplies.ForStorageError</c> maps each to a reply.</summary>
public enum StorageErrorKind
{
    NotFound,
    PermissionDenied,
    AlreadyExists,
    NotEmpty,
    NotADirectory,
    IsADirectory,
    InvalidName,
    NotSupported,
    QuotaExceeded,
    InsufficientStorage,
    Transient,

    /// <summary>
    /// A change to a regular file that has other hard links: it would reach every name of the
    /// inode, outside the user's root too (issue 11, finding 7).
    /// </summary>
    HardLinked,
}
