using Ferry.Server.Storage;

namespace Ferry.Server.Protocol;

/// <summary>The one place a storage failure becomes a reply (RFC 959 §4.2: 45x transient, 55x permanent).</summary>
internal static class StorageReplies
{
    /// <summary>
    /// A path argument with CR, LF or NUL (<see cref="InvalidPathException"/>). 501, not 553: the
    /// argument fails RFC 959's &lt;pathname&gt; syntax (§5.3.2), so it is a syntax error in the
    /// parameters, and 501 is a reply RFC 959 §5.4 lists for every command that takes a path,
    /// while 553 ("file name not allowed") is listed only for STOR, STOU, APPE and RNTO.
    /// </summary>
    public static (FtpReplyCode Code, string Text) InvalidPath { get; } =
        (FtpReplyCode.SyntaxErrorInParameters, "Syntax error in parameters: a path name may not contain CR, LF or NUL (RFC 959 §5.3.2).");

    /// <summary>The kind's reply, with the backend's own reason as its text when it gave one.</summary>
    public static (FtpReplyCode Code, string Text) For(StorageException exception) =>
        exception.ClientReason is { } reason ? (For(exception.Kind).Code, reason) : For(exception.Kind);

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
