using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Server.Storage;

namespace Ferry.Storage.S3;

/// <summary>
/// RNFR/RNTO on a store without rename: a file is copied by the store (CopyObject, or part by part
/// above 5 GiB) and then deleted; a folder is every object under it copied, then every original
/// deleted, refused when it holds more than <see cref="S3StorageOptions.MaxRenameObjects"/>. The
/// rules on what may replace what follow renameat(2), as the local backend does: a file replaces a
/// file, never a folder; a folder replaces nothing and cannot move into itself.
/// </summary>
internal sealed class S3Rename(S3Store store, S3Keys keys, S3FileSystem files)
{
    private readonly IAmazonS3 _client = store.Client;
    private readonly string _bucket = store.Options.Bucket;

    public async ValueTask RunAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken)
    {
        if (from.IsRoot || to.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        if (to.Value.StartsWith(from.Value + "/", StringComparison.Ordinal))
        {
            throw new StorageException(StorageErrorKind.InvalidName);
        }

        var file = await files.HeadFileAsync(from, cancellationToken);
        if (file is null && !await files.FolderExistsAsync(from, cancellationToken))
        {
            throw new StorageException(StorageErrorKind.NotFound);
        }

        await files.RequireFolderAsync(to.Parent, cancellationToken);
        if (from == to)
        {
            return;
        }

        var targetIsFolder = await files.FolderExistsAsync(to, cancellationToken);
        if (file is not null)
        {
            if (targetIsFolder)
            {
                throw new StorageException(StorageErrorKind.IsADirectory);
            }

            await CopyObjectAsync(keys.File(from), keys.File(to), file.ContentLength, cancellationToken);
            await files.KeepFolderAsync(from.Parent, cancellationToken);
            await files.DeleteObjectAsync(keys.File(from), cancellationToken);
            return;
        }

        if (targetIsFolder || await files.HeadFileAsync(to, cancellationToken) is not null)
        {
            throw new StorageException(StorageErrorKind.AlreadyExists);
        }

        await RenameFolderAsync(from, to, cancellationToken);
    }

    private async Task RenameFolderAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken)
    {
        var source = keys.Folder(from);
        var target = keys.Folder(to);
        var limit = store.Options.MaxRenameObjects;
        var objects = new List<S3Object>();
        string? continuation = null;
        do
        {
            var page = await store.Errors.RunAsync("ListObjectsV2", source, () => _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _bucket,
                Prefix = source,
                ContinuationToken = continuation,
                MaxKeys = Math.Min(1000, limit + 1),
            }, cancellationToken), cancellationToken);
            objects.AddRange(page.S3Objects ?? []);
            if (objects.Count > limit)
            {
                throw new StorageException(StorageErrorKind.PermissionDenied,
                    $"Refused: this folder holds more than {limit} objects, and on object storage a rename copies each one (the server's MaxRenameObjects).", null);
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);

        var copied = new List<string>();
        try
        {
            foreach (var item in objects)
            {
                var destination = target + item.Key[source.Length..];
                await CopyObjectAsync(item.Key, destination, item.Size ?? 0, cancellationToken);
                copied.Add(destination);
            }

            // An implied folder (objects, no marker) moves as a folder a client can see even once emptied.
            await files.PutMarkerAsync(target, cancellationToken);
        }
        catch (Exception e)
        {
            await RemoveQuietlyAsync(copied);
            S3Log.FolderRenameFailed(store.Logger, from.Value, to.Value, _bucket, copied.Count, e.GetType().Name);
            throw;
        }

        await files.KeepFolderAsync(from.Parent, cancellationToken);
        var left = 0;
        Exception? failure = null;
        foreach (var item in objects)
        {
            try
            {
                await files.DeleteObjectAsync(item.Key, CancellationToken.None);
            }
            catch (StorageException e)
            {
                left++;
                failure = e;
            }
        }

        if (failure is not null)
        {
            S3Log.FolderRenameLeftSources(store.Logger, from.Value, to.Value, _bucket, left, failure.Message);
            throw failure;
        }
    }

    /// <summary>
    /// CopyObject up to 5 GiB (S3's limit for one copy); above, a multipart upload of copied parts.
    /// No copy-source-if-match: Swift's s3api refuses it (412) for objects uploaded in parts.
    /// </summary>
    private async Task CopyObjectAsync(string sourceKey, string destinationKey, long size, CancellationToken cancellationToken)
    {
        if (size <= store.SingleCopyLimit)
        {
            await store.Errors.RunAsync("CopyObject", sourceKey, () => _client.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = _bucket,
                SourceKey = sourceKey,
                DestinationBucket = _bucket,
                DestinationKey = destinationKey,
            }, cancellationToken), cancellationToken);
            return;
        }

        var uploadId = await store.StartMultipartAsync(destinationKey, cancellationToken);
        try
        {
            var parts = new List<PartETag>();
            var partSize = Math.Max(store.Options.PartSize, (size + 9_999) / 10_000);
            var number = 1;
            for (long first = 0; first < size; first += partSize, number++)
            {
                parts.Add(await store.CopyPartAsync(sourceKey, destinationKey, uploadId, number, first, Math.Min(first + partSize, size) - 1, cancellationToken));
            }

            await store.CompleteMultipartAsync(destinationKey, uploadId, parts, cancellationToken);
        }
        catch
        {
            await store.AbortMultipartQuietlyAsync(destinationKey, uploadId);
            throw;
        }
    }

    private async Task RemoveQuietlyAsync(List<string> keysToRemove)
    {
        foreach (var key in keysToRemove)
        {
            try
            {
                await files.DeleteObjectAsync(key, CancellationToken.None);
            }
            catch (StorageException)
            {
                // Logged by the mapping; the rename's own failure is what the client hears.
            }
        }
    }
}
