using Ferry.Server.Storage;

namespace Ferry.Server.Protocol;

/// <summary>The one place a storage failure becomes a reply (RFC 959 §4.2: 45x transient, 55x permanent).</summary>
internal static class StorageReplies
{
    public static (FtpReplyCode Code, string Text) For(StorageErrorKind kind) => kind switch
    {
        StorageErrorKind.NotFound => (FtpReplyCode.FileUnavailable, "No such file or directory."),
        StorageErrorKind.PermissionDenied => (FtpReplyCode.FileUnavailable, "Permission denied."),
        StorageErrorKind.AlreadyExists => (FtpReplyCode.FileUnavailable, "File exists."),
        StorageErrorKind.NotEmpty => (FtpReplyCode.FileUnavailable, "Directory not empty."),
        StorageErrorKind.NotADirectory => (FtpReplyCode.FileUnavailable, "Not a directory."),
        StorageErrorKind.IsADirectory => (FtpReplyCode.FileUnavailable, "Is a directory."),
        StorageErrorKind.InvalidName => (FtpReplyCode.FileNameNotAllowed, "File name not allowed."),
        StorageErrorKind.NotSupported => (FtpReplyCode.CommandNotImplemented, "Not supported by this storage."),
        StorageErrorKind.QuotaExceeded => (FtpReplyCode.ExceededStorageAllocation, "Quota exceeded."),
        StorageErrorKind.InsufficientStorage => (FtpReplyCode.InsufficientStorage, "Insufficient storage space."),
        StorageErrorKind.HardLinked => (FtpReplyCode.FileUnavailable,
            "Refused: this file has other hard links, so changing it would change them too (the server setting AllowHardLinkWrites allows it)."),
        _ => (FtpReplyCode.LocalErrorInProcessing, "Local error in processing; try again."),
    };
}
