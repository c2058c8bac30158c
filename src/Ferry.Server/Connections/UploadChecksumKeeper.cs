using Ferry.Server.Diagnostics;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Connections;

/// <summary>
/// An upload's SHA-256, computed from the committed file through the storage contract and kept
/// with it (<see cref="IFileSystem.KeepChecksumAsync"/>), so HASH and XSHA256 right after the
/// upload answer without reading it, and written to the transfer log
/// (<see cref="FtpServerOptions.UploadChecksum"/>). The file is read back right after the 226
/// while it is still in the page cache: STOR's splice keeps the bytes out of user space, so
/// hashing them as they arrive would cost the copy loop (bench/upload-checksum.sh). Best effort:
/// a failure here never changes the upload's outcome, which the client already has.
/// </summary>
internal static class UploadChecksumKeeper
{
    /// <summary>Computes and keeps the checksum; returns it in lower-case hex, or null when skipped or failed.</summary>
    /// <param name="connection">The session.</param>
    /// <param name="direction">The transfer's verb, for the log.</param>
    /// <param name="path">The committed file.</param>
    /// <param name="computed">The checksum the upload itself computed on the way (<see cref="IUpload.Sha256"/>) and the file's size: used as they are, nothing read back.</param>
    /// <param name="transferAborted">ABOR.</param>
    public static async ValueTask<string?> KeepAsync(FtpConnection connection, string direction, VirtualPath path, (string Sha256, long Bytes)? computed, CancellationToken transferAborted)
    {
        var options = connection.Options;
        var forEvents = connection.Server.Events.WantsUploadChecksums;
        if ((options.UploadChecksum == UploadChecksumMode.Off && !forEvents) || connection.Session.FileSystem is not { } fileSystem)
        {
            return null;
        }

        if (computed is { } onTheWay)
        {
            // The same rule as a read-back: small files are not logged unless a sink wants them.
            if (onTheWay.Bytes < options.UploadChecksumMinSize && !forEvents)
            {
                return null;
            }

            FerryLog.UploadChecksumOnTheWay(connection.Logger, connection.Id, direction, path.Value, connection.Session.UserNameForLog, onTheWay.Sha256, onTheWay.Bytes);
            return onTheWay.Sha256;
        }

        // ABOR (the transfer's token) or the session closing (timeout, server stop) stops the reading.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(transferAborted, connection.Closing);
        var began = connection.Server.Time.GetTimestamp();
        try
        {
            if (await fileSystem.GetEntryAsync(path, stop.Token) is not { IsDirectory: false } entry)
            {
                FerryLog.UploadChecksumSkipped(connection.Logger, connection.Id, direction, path.Value, "the file is gone");
                return null;
            }

            if (entry.Size < options.UploadChecksumMinSize && !forEvents)
            {
                // Computed on demand in well under a millisecond: not worth a read-back per small file.
                return null;
            }

            if (entry.Size > options.MaxHashFileSize)
            {
                FerryLog.UploadChecksumSkipped(connection.Logger, connection.Id, direction, path.Value, "larger than MaxHashFileSize");
                return null;
            }

            await using var content = await fileSystem.OpenReadAsync(path, 0, stop.Token);
            var checksum = await FileChecksum.ComputeAsync(content, ChecksumAlgorithm.Sha256, entry.Size, stop.Token);
            await fileSystem.KeepChecksumAsync(content, ChecksumAlgorithm.Sha256, checksum, entry, stop.Token);
            FerryLog.UploadChecksum(connection.Logger, connection.Id, direction, path.Value, connection.Session.UserNameForLog,
                checksum, entry.Size, connection.Server.Time.GetElapsedTime(began).TotalSeconds);
            return checksum;
        }
        catch (Exception e) when (e is StorageException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            FerryLog.UploadChecksumSkipped(connection.Logger, connection.Id, direction, path.Value, e.GetType().Name);
            return null;
        }
    }
}
