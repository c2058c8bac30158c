using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Server.Storage;
using ChecksumAlgorithm = Ferry.Server.Storage.Checksums.ChecksumAlgorithm;

namespace Ferry.Storage.S3;

/// <summary>
/// A user's files in an S3 bucket under their root prefix (<see cref="S3Keys"/>). It gives FTP
/// the semantics of a disk where S3 allows them: folders exist while a marker or any object is
/// under them, an upload appears only when committed (<see cref="S3Upload"/>), a download
/// streams (<see cref="S3ReadStream"/>), a listing streams page by page. Where S3 has no
/// equivalent it says so: no modes, no setting of times (capabilities without SetUnixMode and
/// SetModificationTime, so FEAT leaves MFMT out and SITE CHMOD is 502), and a rename is a copy and
/// a delete, refused for folders above <see cref="S3StorageOptions.MaxRenameObjects"/>.
/// </summary>
internal sealed class S3FileSystem(S3Store store, string root) : IFileSystem
{
    public const FileSystemCapabilities Supported =
        FileSystemCapabilities.Append | FileSystemCapabilities.ReadFromOffset | FileSystemCapabilities.Rename;

    private readonly IAmazonS3 _client = store.Client;
    private readonly string _bucket = store.Options.Bucket;
    private readonly S3Keys _keys = new(root);
    private readonly S3Errors _errors = store.Errors;

    public FileSystemCapabilities Capabilities => Supported;

    public async ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (path.IsRoot)
        {
            return new FileSystemEntry("", true, 0, DateTime.UnixEpoch, null, S3Keys.IdOf(_keys.Root));
        }

        return await HeadFileAsync(path, cancellationToken) is { } file
            ? FileEntry(path.Name, _keys.File(path), file.ContentLength, file.LastModified)
            : await FolderEntryAsync(path, cancellationToken);
    }

    /// <summary>Aborted uploads are never kept on S3 (an aborted multipart upload leaves nothing), so this is the entry.</summary>
    public ValueTask<FileSystemEntry?> GetResumableEntryAsync(VirtualPath path, CancellationToken cancellationToken) =>
        GetEntryAsync(path, cancellationToken);

    /// <summary>
    /// ListObjectsV2 with delimiter '/', a page (at most 1,000 keys) at a time: each page's
    /// entries go out while the next page is already being fetched, so a folder of any size lists
    /// with one page or two in memory and the first bytes leave after one round trip.
    /// </summary>
    public async IAsyncEnumerable<FileSystemEntry> ListAsync(VirtualPath directory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = _keys.Folder(directory);
        var page = ListPageAsync(prefix, null, cancellationToken);
        var first = true;
        while (page is not null)
        {
            var response = await page;
            page = response.IsTruncated == true && response.NextContinuationToken is { } token
                ? ListPageAsync(prefix, token, cancellationToken)
                : null;
            var objects = response.S3Objects ?? [];
            var folders = response.CommonPrefixes ?? [];
            if (first && objects.Count == 0 && folders.Count == 0 && !directory.IsRoot)
            {
                // Nothing under the prefix: no folder here, and maybe a file.
                throw new StorageException(await HeadFileAsync(directory, cancellationToken) is null ? StorageErrorKind.NotFound : StorageErrorKind.NotADirectory);
            }

            first = false;

            // Both lists come sorted by key; merged, the listing is in key order too.
            int o = 0, f = 0;
            while (o < objects.Count || f < folders.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (f >= folders.Count || (o < objects.Count && string.CompareOrdinal(objects[o].Key, folders[f]) < 0))
                {
                    var item = objects[o++];
                    var name = item.Key[prefix.Length..];
                    if (name.Length > 0 && IsPlainName(name))
                    {
                        yield return FileEntry(name, item.Key, item.Size ?? 0, item.LastModified);
                    }
                }
                else
                {
                    var folder = folders[f++];
                    var name = folder[prefix.Length..^1];
                    if (IsPlainName(name))
                    {
                        yield return new FileSystemEntry(name, true, 0, DateTime.UnixEpoch, null, S3Keys.IdOf(folder));
                    }
                }
            }
        }
    }

    public async ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var key = _keys.File(path);
        var head = await HeadFileAsync(path, cancellationToken);
        if (head is null)
        {
            throw new StorageException(!path.IsRoot && await FolderExistsAsync(path, cancellationToken) ? StorageErrorKind.IsADirectory : StorageErrorKind.NotFound);
        }

        return await S3ReadStream.OpenAsync(_client, _errors, _bucket, key, head.ContentLength, head.ETag, offset, cancellationToken);
    }

    public async ValueTask<IUpload> BeginUploadAsync(VirtualPath path, UploadMode mode, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        cancellationToken.ThrowIfCancellationRequested();
        if (path.IsRoot)
        {
            throw new StorageException(mode == UploadMode.CreateNew ? StorageErrorKind.AlreadyExists : StorageErrorKind.IsADirectory);
        }

        await RequireFolderAsync(path.Parent, cancellationToken);
        if (await FolderExistsAsync(path, cancellationToken))
        {
            throw new StorageException(mode == UploadMode.CreateNew ? StorageErrorKind.AlreadyExists : StorageErrorKind.IsADirectory);
        }

        var existing = mode == UploadMode.Replace ? null : await HeadFileAsync(path, cancellationToken);
        if (mode == UploadMode.CreateNew && existing is not null)
        {
            throw new StorageException(StorageErrorKind.AlreadyExists);
        }

        var kept = mode switch
        {
            UploadMode.Append => existing?.ContentLength ?? 0,

            // The REST handler refuses an offset beyond the file with 554 before it gets here.
            UploadMode.Resume => offset <= (existing?.ContentLength ?? 0) ? offset : throw new StorageException(StorageErrorKind.PermissionDenied),
            _ => 0,
        };
        return await S3Upload.BeginAsync(store, path, _keys.File(path), mode, kept, existing?.ETag, cancellationToken);
    }

    public async ValueTask CreateDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.AlreadyExists);
        }

        await RequireFolderAsync(path.Parent, cancellationToken);
        if (await HeadFileAsync(path, cancellationToken) is not null || await FolderExistsAsync(path, cancellationToken))
        {
            throw new StorageException(StorageErrorKind.AlreadyExists);
        }

        await PutMarkerAsync(_keys.Folder(path), cancellationToken);
    }

    public async ValueTask DeleteFileAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.IsADirectory);
        }

        if (await HeadFileAsync(path, cancellationToken) is null)
        {
            throw new StorageException(await FolderExistsAsync(path, cancellationToken) ? StorageErrorKind.IsADirectory : StorageErrorKind.NotFound);
        }

        await KeepFolderAsync(path.Parent, cancellationToken);
        await DeleteObjectAsync(_keys.File(path), cancellationToken);
    }

    /// <summary>Only an empty folder goes: its marker is the one key under its prefix (RFC 959 RMD; rmdir(2)'s ENOTEMPTY otherwise).</summary>
    public async ValueTask DeleteDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        var prefix = _keys.Folder(path);
        var response = await _errors.RunAsync("ListObjectsV2", prefix, () => _client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, MaxKeys = 2 }, cancellationToken), cancellationToken);
        var keys = response.S3Objects ?? [];
        if (keys.Count == 0)
        {
            throw new StorageException(await HeadFileAsync(path, cancellationToken) is null ? StorageErrorKind.NotFound : StorageErrorKind.NotADirectory);
        }

        if (keys.Count > 1 || keys[0].Key != prefix)
        {
            throw new StorageException(StorageErrorKind.NotEmpty);
        }

        await KeepFolderAsync(path.Parent, cancellationToken);
        await DeleteObjectAsync(prefix, cancellationToken);
    }

    public ValueTask RenameAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken) =>
        new S3Rename(store, _keys, this).RunAsync(from, to, cancellationToken);

    public ValueTask SetModificationTimeAsync(VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken) =>
        throw new StorageException(StorageErrorKind.NotSupported);

    public ValueTask SetUnixModeAsync(VirtualPath path, UnixFileMode mode, CancellationToken cancellationToken) =>
        throw new StorageException(StorageErrorKind.NotSupported);

    /// <summary>No OS file stands behind an object: RETR and STOR take the copy loop.</summary>
    public bool TryGetLocalFile(Stream opened, [NotNullWhen(true)] out FileStream? file)
    {
        file = null;
        return false;
    }

    /// <summary>No <see cref="FileSystemCapabilities.KeptChecksums"/>: S3 metadata cannot change without copying the object, so HASH reads it.</summary>
    public ValueTask<string?> GetKeptChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(null);

    public ValueTask KeepChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, string checksum, FileSystemEntry readFrom, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    /// <summary>The client belongs to the profile (<see cref="S3Store"/>) and outlives the session.</summary>
    public void Dispose()
    {
    }

    /// <summary>The object at <paramref name="path"/>'s key, or null when there is none.</summary>
    internal async Task<GetObjectMetadataResponse?> HeadFileAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            return null;
        }

        var key = _keys.File(path);
        try
        {
            return await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken);
        }
        catch (Exception e) when (S3Errors.IsNotFound(e))
        {
            return null;
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw _errors.Map("HeadObject", key, e);
        }
    }

    /// <summary>True when a marker or any object is under the folder's prefix (the root always exists).</summary>
    internal async Task<bool> FolderExistsAsync(VirtualPath path, CancellationToken cancellationToken) =>
        path.IsRoot || await FirstUnderAsync(_keys.Folder(path), cancellationToken) is not null;

    /// <summary>Uploads, MKD and renames need their folder: NotFound when it is missing, NotADirectory when a file has its name (as ENOENT and ENOTDIR on disk).</summary>
    internal async Task RequireFolderAsync(VirtualPath folder, CancellationToken cancellationToken)
    {
        if (!await FolderExistsAsync(folder, cancellationToken))
        {
            throw new StorageException(await HeadFileAsync(folder, cancellationToken) is null ? StorageErrorKind.NotFound : StorageErrorKind.NotADirectory);
        }
    }

    /// <summary>
    /// Gives <paramref name="folder"/> a marker before its last object goes (DELE, RMD, a rename
    /// away), so a folder a client made or saw stays until RMD, as on disk, even when it was only
    /// implied by the keys under it.
    /// </summary>
    internal async Task KeepFolderAsync(VirtualPath folder, CancellationToken cancellationToken)
    {
        if (!folder.IsRoot)
        {
            await PutMarkerAsync(_keys.Folder(folder), cancellationToken);
        }
    }

    internal Task PutMarkerAsync(string key, CancellationToken cancellationToken) =>
        _errors.RunAsync("PutObject", key, () => _client.PutObjectAsync(
            new PutObjectRequest { BucketName = _bucket, Key = key, InputStream = new MemoryStream([]), UseChunkEncoding = false }, cancellationToken), cancellationToken);

    internal Task DeleteObjectAsync(string key, CancellationToken cancellationToken) =>
        _errors.RunAsync("DeleteObject", key, () => _client.DeleteObjectAsync(_bucket, key, cancellationToken), cancellationToken);

    private async Task<FileSystemEntry?> FolderEntryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        var prefix = _keys.Folder(path);
        return await FirstUnderAsync(prefix, cancellationToken) is { } first
            ? new FileSystemEntry(path.Name, true, 0, first.Key == prefix ? Utc(first.LastModified) : DateTime.UnixEpoch, null, S3Keys.IdOf(prefix))
            : null;
    }

    private async Task<S3Object?> FirstUnderAsync(string prefix, CancellationToken cancellationToken)
    {
        var response = await _errors.RunAsync("ListObjectsV2", prefix, () => _client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, MaxKeys = 1 }, cancellationToken), cancellationToken);
        return response.S3Objects is [var first, ..] ? first : null;
    }

    private Task<ListObjectsV2Response> ListPageAsync(string prefix, string? continuation, CancellationToken cancellationToken) =>
        _errors.RunAsync("ListObjectsV2", prefix, () => _client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, Delimiter = "/", ContinuationToken = continuation, MaxKeys = 1000 }, cancellationToken), cancellationToken);

    private static FileSystemEntry FileEntry(string name, string key, long size, DateTime? lastModified) =>
        new(name, false, size, Utc(lastModified), null, S3Keys.IdOf(key));

    private static DateTime Utc(DateTime? time) => time is { } value ? value.ToUniversalTime() : DateTime.UnixEpoch;

    /// <summary>
    /// Keys other tools wrote may hold names no path can reach ("a//b" has an empty segment, "."
    /// and ".." mean something else to FTP, CR or LF would break a listing): those are not listed.
    /// </summary>
    private static bool IsPlainName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.Contains('/', StringComparison.Ordinal) && !VirtualPath.HasForbiddenCharacter(name);
}
