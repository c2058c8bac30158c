using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage.S3;

/// <summary>
/// What every session of one profile shares: the client (and its pooled connections), the
/// options, the error mapping, and the locks that make a create-only commit (STOU, STOR without
/// Overwrite) check-then-write atomic among this server's sessions. S3 itself has no
/// create-if-absent that every store implements (Swift's s3api refuses If-None-Match), so two
/// servers behind one bucket can still race there; see the README.
/// </summary>
internal sealed class S3Store(IAmazonS3 client, S3StorageOptions options, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim[] _createLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public IAmazonS3 Client { get; } = client;

    public S3StorageOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public S3Errors Errors { get; } = new(logger, options.Bucket);

    /// <summary>
    /// The largest object a rename copies with one CopyObject (S3's limit, 5 GiB); above, part by
    /// part. Lowered by tests only, so the part-by-part path runs on objects of a few MiB.
    /// </summary>
    internal long SingleCopyLimit { get; set; } = S3StorageOptions.MaxPartSize;

    /// <summary>
    /// Upload bodies sent with UNSIGNED-PAYLOAD when the store is reached over TLS (AWS when no
    /// endpoint is set, or an https endpoint): TLS already protects them, and SigV4 would
    /// otherwise hash every part once more before sending it. Over plain http the SDK requires
    /// the signed hash, and it is kept.
    /// </summary>
    public bool UnsignedPayloads { get; } = string.IsNullOrEmpty(options.Endpoint) || options.Endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The lock a create-only commit of <paramref name="key"/> holds while it checks and writes.</summary>
    public SemaphoreSlim CreateLockFor(string key) => _createLocks[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_createLocks.Length];

    /// <summary>Begins a multipart upload of <paramref name="key"/>; returns its id.</summary>
    public async Task<string> StartMultipartAsync(string key, CancellationToken cancellationToken)
    {
        var response = await Errors.RunAsync("CreateMultipartUpload", key, () => Client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Options.Bucket, Key = key }, cancellationToken), cancellationToken);
        return response.UploadId;
    }

    /// <summary>
    /// Part <paramref name="number"/> of a multipart upload to <paramref name="destinationKey"/>
    /// copied by the store from bytes <paramref name="first"/> to <paramref name="last"/> of the
    /// object at <paramref name="sourceKey"/> (UploadPartCopy: nothing passes through the server).
    /// </summary>
    public async Task<PartETag> CopyPartAsync(string sourceKey, string destinationKey, string uploadId, int number, long first, long last, CancellationToken cancellationToken)
    {
        var response = await Errors.RunAsync("UploadPartCopy", destinationKey, () => Client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = Options.Bucket,
            SourceKey = sourceKey,
            DestinationBucket = Options.Bucket,
            DestinationKey = destinationKey,
            UploadId = uploadId,
            PartNumber = number,
            FirstByte = first,
            LastByte = last,
        }, cancellationToken), cancellationToken);
        return new PartETag(number, response.ETag);
    }

    /// <summary>Makes the parts the object at <paramref name="key"/>, in part-number order.</summary>
    public Task CompleteMultipartAsync(string key, string uploadId, IEnumerable<PartETag> parts, CancellationToken cancellationToken) =>
        Errors.RunAsync("CompleteMultipartUpload", key, () => Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Options.Bucket,
            Key = key,
            UploadId = uploadId,
            PartETags = [.. parts.OrderBy(part => part.PartNumber)],
        }, cancellationToken), cancellationToken);

    /// <summary>
    /// Aborts a multipart upload so its parts are freed, and checks that it is gone: a part still
    /// being written when the abort arrives (its request was cancelled, but the store had not
    /// noticed yet) can leave the upload listed, so the abort is repeated until the upload is no
    /// longer listed, as the S3 documentation of AbortMultipartUpload advises. Never throws: it
    /// runs when something else already failed or was cancelled, so it has its own bounded time
    /// rather than the transfer's token, and a failure is logged (the bucket's lifecycle rule for
    /// incomplete uploads must then remove it).
    /// </summary>
    public async Task AbortMultipartQuietlyAsync(string key, string uploadId)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Options.Bucket, Key = key, UploadId = uploadId }, bounded.Token);
                }
                catch (Exception e) when (S3Errors.IsNotFound(e))
                {
                    // Already gone (NoSuchUpload).
                }

                var listed = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Options.Bucket, Prefix = key }, bounded.Token);
                if (!(listed.MultipartUploads ?? []).Exists(upload => upload.UploadId == uploadId))
                {
                    return;
                }

                if (attempt == 10)
                {
                    S3Log.AbortFailed(Logger, uploadId, Options.Bucket, key, "still listed after 10 aborts");
                    return;
                }

                S3Log.AbortRepeated(Logger, uploadId, Options.Bucket, key, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), bounded.Token);
            }
        }
        catch (Exception e)
        {
            S3Log.AbortFailed(Logger, uploadId, Options.Bucket, key, e.GetType().Name + ": " + e.Message.ReplaceLineEndings(" "));
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        foreach (var gate in _createLocks)
        {
            gate.Dispose();
        }
    }
}
