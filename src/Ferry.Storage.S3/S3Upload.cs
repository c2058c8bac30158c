using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Server.Storage;

namespace Ferry.Storage.S3;

/// <summary>
/// An upload to an object, visible only once committed, holding at most two parts in memory:
/// <list type="bullet">
/// <item>Below one part in all (the usual small file): one PutObject at the commit.</item>
/// <item>Larger: a multipart upload, begun when the first part fills; each full part is sent while
/// the next fills, up to PartsInFlight at once (S3StorageOptions), and a writer that outruns the
/// store waits for the oldest, so a transfer holds at most (PartsInFlight + 1) × PartSize whatever
/// the file's size. The commit sends the last part and completes the upload.</item>
/// <item>Append and resume (APPE, REST+STOR): the bytes kept in front (the whole object, or those
/// before the offset) come first: below 5 MiB read into the first part; from 5 MiB copied by the
/// store itself (UploadPartCopy, at most 5 GiB a part, pinned to the object's ETag), so nothing
/// of them passes through the server.</item>
/// </list>
/// Disposed without a commit (ABOR, an error, the client gone, a refusal) it aborts the multipart
/// upload: no partial object ever appears, and the object that was there stays as it was.
/// SHA-256 is computed on the way when the object is exactly the bytes sent (STOR, STOU).
/// </summary>
internal sealed class S3Upload : IUpload
{
    /// <summary>The most parts a multipart upload may have (S3's limit; Swift's s3api allows 1,000 by default).</summary>
    public const int MaxParts = 10_000;

    private readonly S3Store _store;
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _key;
    private readonly UploadMode _mode;
    private readonly int _partSize;
    private readonly IncrementalHash? _sha256;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<PartETag> _parts = [];
    private byte[]? _buffer;
    private int _filled;
    private string? _uploadId;
    private int _nextPart = 1;
    private readonly Queue<Task> _inFlight = new();

    /// <summary>
    /// Buffers of parts already sent, for the next parts of this upload (guarded by a lock on
    /// itself): an upload rents at most PartsInFlight + 1 from the shared pool, whatever its size.
    /// Renting one per part instead made the pool keep many: a part's buffer comes back on another
    /// thread, into that thread's own slot, where the next Rent does not look (one 1 GiB upload
    /// with 8 MiB parts allocated 80 MiB of buffers, S3MemoryTests).
    /// </summary>
    private readonly Stack<byte[]> _spare = new();
    private Task? _copies;
    private string? _sourceEtag;
    private bool _ended;
    private bool _committed;

    private S3Upload(S3Store store, VirtualPath path, string key, UploadMode mode)
    {
        _store = store;
        _client = store.Client;
        _bucket = store.Options.Bucket;
        _key = key;
        _mode = mode;
        _partSize = (int)Math.Min(store.Options.PartSize, Array.MaxLength);
        _buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        Path = path;
        Content = new S3UploadContent(this);
        if (mode is UploadMode.Replace or UploadMode.CreateNew)
        {
            _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    public VirtualPath Path { get; }

    public Stream Content { get; }

    public string? Sha256 { get; private set; }

    /// <param name="store">The profile's client and options.</param>
    /// <param name="path">The target, for <see cref="Path"/>.</param>
    /// <param name="key">The target's key.</param>
    /// <param name="mode">How the target is treated.</param>
    /// <param name="kept">How many bytes of the existing object come before the upload's own (Append: all; Resume: the offset).</param>
    /// <param name="sourceEtag">The existing object's ETag, when <paramref name="kept"/> is above 0.</param>
    /// <param name="cancellationToken">Stops the reading or copying of the kept bytes.</param>
    public static async Task<IUpload> BeginAsync(S3Store store, VirtualPath path, string key, UploadMode mode, long kept, string? sourceEtag, CancellationToken cancellationToken)
    {
        var upload = new S3Upload(store, path, key, mode);
        try
        {
            if (kept >= S3StorageOptions.MinPartSize)
            {
                await upload.StartMultipartAsync(cancellationToken);
                upload._sourceEtag = sourceEtag;
                upload._copies = upload.CopyKeptAsync(kept, upload._lifetime.Token);
            }
            else if (kept > 0)
            {
                await upload.ReadKeptAsync((int)kept, sourceEtag, cancellationToken);
            }

            return upload;
        }
        catch
        {
            await upload.DisposeAsync();
            throw;
        }
    }

    public bool TryGetLocalFile([NotNullWhen(true)] out FileStream? file)
    {
        file = null;
        return false;
    }

    /// <summary>Takes bytes from the transfer: into the part being filled, sending it when full.</summary>
    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        _sha256?.AppendData(data.Span);
        while (!data.IsEmpty)
        {
            var count = Math.Min(data.Length, _partSize - _filled);
            data[..count].CopyTo(_buffer.AsMemory(_filled));
            _filled += count;
            data = data[count..];
            if (_filled == _partSize)
            {
                await SendPartAsync(cancellationToken);
            }
        }
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);

        // Whatever happens now, the upload has ended: a failed commit is an abort, done by the disposal.
        _ended = true;
        if (_uploadId is null)
        {
            await WhileCreateOnlyAsync(() => PutWholeAsync(cancellationToken), cancellationToken);
        }
        else
        {
            // Parts already sent (or copied) end the object when nothing more came: no empty last part.
            if (_filled > 0)
            {
                await SendPartAsync(cancellationToken);
            }

            await AwaitBackgroundAsync();
            await RequireSourceUnchangedAsync(cancellationToken);
            await WhileCreateOnlyAsync(() => CompleteAsync(cancellationToken), cancellationToken);
        }

        _committed = true;
        if (_sha256 is not null)
        {
            Sha256 = Convert.ToHexStringLower(_sha256.GetHashAndReset());
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ended = true;
        if (!_committed)
        {
            await _lifetime.CancelAsync();
            while (_inFlight.TryDequeue(out var part))
            {
                await AwaitQuietlyAsync(part);
            }

            await AwaitQuietlyAsync(_copies);
            if (_uploadId is { } uploadId)
            {
                await _store.AbortMultipartQuietlyAsync(_key, uploadId);
            }
        }

        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // The parts have ended (awaited above or by the commit); one whose wait SendPartAsync gave up
        // on, if still running, pushes its buffer here too late and leaves it to the GC.
        while (TakeSpare() is { } spare)
        {
            ArrayPool<byte>.Shared.Return(spare);
        }

        _sha256?.Dispose();
        _lifetime.Dispose();
    }

    private async Task StartMultipartAsync(CancellationToken cancellationToken) =>
        _uploadId = await _store.StartMultipartAsync(_key, cancellationToken);

    /// <summary>
    /// Sends the filled part while a fresh buffer takes the next; with PartsInFlight parts already
    /// on their way it first waits for the oldest, so PartsInFlight + 1 parts at most are held.
    /// </summary>
    private async Task SendPartAsync(CancellationToken cancellationToken)
    {
        if (_nextPart > MaxParts)
        {
            // S3 numbers parts 1 to 10,000: the upload cannot grow past that many parts.
            throw new StorageException(StorageErrorKind.InsufficientStorage,
                $"Refused: the file is larger than the storage takes in {MaxParts} parts of {_partSize >> 20} MiB (the server's PartSize).", null);
        }

        if (_uploadId is null)
        {
            await StartMultipartAsync(cancellationToken);
        }

        while (_inFlight.Count >= _store.Options.PartsInFlight)
        {
            await _inFlight.Dequeue().WaitAsync(cancellationToken);
        }

        var full = _buffer!;
        var length = _filled;
        var number = _nextPart++;
        _buffer = TakeSpare() ?? ArrayPool<byte>.Shared.Rent(_partSize);
        _filled = 0;
        _inFlight.Enqueue(UploadPartAsync(number, full, length, _lifetime.Token));
    }

    private async Task UploadPartAsync(int number, byte[] content, int length, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _store.Errors.RunAsync("UploadPart", _key, () => _client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _bucket,
                Key = _key,
                UploadId = _uploadId,
                PartNumber = number,
                InputStream = new MemoryStream(content, 0, length, writable: false),
                PartSize = length,
                UseChunkEncoding = false,
                DisablePayloadSigning = _store.UnsignedPayloads,
            }, cancellationToken), cancellationToken);
            lock (_parts)
            {
                _parts.Add(new PartETag(number, response.ETag));
            }
        }
        finally
        {
            lock (_spare)
            {
                _spare.Push(content);
            }
        }
    }

    /// <summary>
    /// The first <paramref name="kept"/> bytes (5 MiB or more) copied by the store into the first
    /// parts, each at most 5 GiB. Not pinned with copy-source-if-match, which Swift's s3api refuses
    /// (412) for objects uploaded in parts: <see cref="CommitAsync"/> checks the ETag instead.
    /// </summary>
    private async Task CopyKeptAsync(long kept, CancellationToken cancellationToken)
    {
        var count = (int)((kept + S3StorageOptions.MaxPartSize - 1) / S3StorageOptions.MaxPartSize);
        _nextPart = count + 1;
        var size = (kept + count - 1) / count;
        await Task.Yield();
        for (var i = 0; i < count; i++)
        {
            var first = i * size;
            var last = Math.Min(first + size, kept) - 1;
            var number = i + 1;
            var part = await _store.CopyPartAsync(_key, _key, _uploadId!, number, first, last, cancellationToken);
            lock (_parts)
            {
                _parts.Add(part);
            }
        }
    }

    /// <summary>The first <paramref name="kept"/> bytes (below 5 MiB, so within the first part) read into the buffer.</summary>
    private async Task ReadKeptAsync(int kept, string? sourceEtag, CancellationToken cancellationToken)
    {
        await using var source = await S3ReadStream.OpenAsync(_client, _store.Errors, _bucket, _key, kept, sourceEtag, 0, cancellationToken);
        await source.ReadExactlyAsync(_buffer.AsMemory(0, kept), cancellationToken);
        _filled = kept;
    }

    private Task PutWholeAsync(CancellationToken cancellationToken) =>
        _store.Errors.RunAsync("PutObject", _key, () => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _key,
            InputStream = new MemoryStream(_buffer!, 0, _filled, writable: false),
            UseChunkEncoding = false,
            DisablePayloadSigning = _store.UnsignedPayloads,
        }, cancellationToken), cancellationToken);

    private Task CompleteAsync(CancellationToken cancellationToken)
    {
        lock (_parts)
        {
            return _store.CompleteMultipartAsync(_key, _uploadId!, [.. _parts], cancellationToken);
        }
    }

    /// <summary>
    /// A create-only upload (STOU, STOR without Overwrite) checks that its name is still free and
    /// writes under this server's lock for the key, so of two racing sessions exactly one wins.
    /// </summary>
    private async Task WhileCreateOnlyAsync(Func<Task> write, CancellationToken cancellationToken)
    {
        if (_mode != UploadMode.CreateNew)
        {
            await write();
            return;
        }

        var gate = _store.CreateLockFor(_key);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var exists = true;
            try
            {
                await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = _key }, cancellationToken);
            }
            catch (Exception e) when (S3Errors.IsNotFound(e))
            {
                exists = false;
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw _store.Errors.Map("HeadObject", _key, e);
            }

            if (exists)
            {
                throw new StorageException(StorageErrorKind.AlreadyExists);
            }

            await write();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The object whose bytes were copied in front is still the one they were copied from: else the result would mix two versions.</summary>
    private async Task RequireSourceUnchangedAsync(CancellationToken cancellationToken)
    {
        if (_copies is null)
        {
            return;
        }

        var now = await _store.Errors.RunAsync("HeadObject", _key, () => _client.GetObjectMetadataAsync(
            new GetObjectMetadataRequest { BucketName = _bucket, Key = _key }, cancellationToken), cancellationToken);
        if (now.ETag != _sourceEtag)
        {
            throw new StorageException(StorageErrorKind.Transient, "The file changed during the upload; try again.", null);
        }
    }

    private async Task AwaitBackgroundAsync()
    {
        if (_copies is { } copies)
        {
            await copies;
        }

        while (_inFlight.TryDequeue(out var part))
        {
            await part;
        }
    }

    private byte[]? TakeSpare()
    {
        lock (_spare)
        {
            return _spare.TryPop(out var buffer) ? buffer : null;
        }
    }

    /// <summary>
    /// Waits for a cancelled part or copy to end, at most 10 s: a request the SDK does not give up
    /// at once must not hold the client's 426 (the abort that follows repeats itself until the
    /// upload is gone, which covers a part the store finishes late).
    /// </summary>
    private static async Task AwaitQuietlyAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // The upload is being aborted; what failed (or still runs) in the background no longer matters.
        }
    }
}
