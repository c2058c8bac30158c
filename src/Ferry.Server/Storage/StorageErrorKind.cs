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
}
