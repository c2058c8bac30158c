using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage.S3;

/// <summary>
/// The S3 backend's log events (ids 7600-7629): what an operator needs to see about the store.
/// Keys hold client paths and store messages may echo them: both are <see cref="ClientText"/>, escaped.
/// </summary>
internal static partial class S3Log
{
    [LoggerMessage(EventId = 7600, Level = LogLevel.Warning,
        Message = "S3 {Operation} on bucket {Bucket} key {Key} failed: HTTP {Status} {Code} {Reason}")]
    public static partial void StoreRefused(ILogger logger, string operation, string bucket, ClientText key, int status, string code, ClientText reason);

    [LoggerMessage(EventId = 7601, Level = LogLevel.Error,
        Message = "S3 store unreachable for {Operation} on bucket {Bucket} key {Key}: {Reason}")]
    public static partial void StoreUnreachable(ILogger logger, string operation, string bucket, ClientText key, string reason);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Warning,
        Message = "S3 multipart upload {UploadId} of bucket {Bucket} key {Key} could not be aborted ({Reason}); the store's lifecycle rule for incomplete uploads must remove it")]
    public static partial void AbortFailed(ILogger logger, string uploadId, string bucket, ClientText key, string reason);

    [LoggerMessage(EventId = 7605, Level = LogLevel.Information,
        Message = "S3 multipart upload {UploadId} of bucket {Bucket} key {Key} was still listed after abort {Attempt}; aborting it again")]
    public static partial void AbortRepeated(ILogger logger, string uploadId, string bucket, ClientText key, int attempt);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Warning,
        Message = "S3 rename of folder {From} to {To} in bucket {Bucket} failed after copying {Copied} objects ({Reason}); the copies were removed and the folder is unchanged")]
    public static partial void FolderRenameFailed(ILogger logger, ClientText from, ClientText to, string bucket, int copied, string reason);

    [LoggerMessage(EventId = 7604, Level = LogLevel.Error,
        Message = "S3 rename of folder {From} to {To} in bucket {Bucket}: every object was copied but {Left} of the old ones could not be deleted ({Reason}); both names now hold them")]
    public static partial void FolderRenameLeftSources(ILogger logger, ClientText from, ClientText to, string bucket, int left, string reason);
}
