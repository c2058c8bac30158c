using Ferry.Server.Storage;

namespace Ferry.Server.DataChannels;

/// <summary>
/// What a failed write into storage during an upload becomes, for the copy loop's exceptions and
/// the splice path's errno values alike: a full disk (ENOSPC) is 452 and an exhausted quota
/// (EDQUOT) 552, as RFC 959 §4.2 gives them and LocalErrors maps them when a file is opened;
/// anything else (EIO, EFBIG) is 451. Never 226: the caller replies from the kind.
/// </summary>
internal static class StorageWriteErrors
{
    public static StorageException FromErrno(int errno, Exception? inner = null)
    {
        var kind = errno switch
        {
            SpliceInterop.ENOSPC => StorageErrorKind.InsufficientStorage,
            SpliceInterop.EDQUOT => StorageErrorKind.QuotaExceeded,
            _ => StorageErrorKind.Transient,
        };
        return inner is null ? new StorageException(kind) : new StorageException(kind, inner);
    }

    /// <summary>On Unix, .NET puts the raw errno into IOException.HResult for errors it has no own type for (ENOSPC, EDQUOT among them).</summary>
    public static StorageException FromException(Exception exception) =>
        FromErrno(exception is IOException io ? io.HResult : 0, exception);
}
