using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Server.Storage;

namespace Ferry.Storage.S3;

/// <summary>
/// An object read from an offset by one ranged GET (bytes=offset-), its body streamed as the
/// client takes it: TCP flow control bounds what is in flight (socket buffers, not the heap), and
/// there is no gap between ranges to hide with read-ahead because there is one range. Should the
/// store's connection break mid-body, the read goes on with a new ranged GET from where it
/// stopped, pinned to the object's ETag (If-Match), so the bytes are the same object's or the
/// transfer fails; at most <see cref="MaxResumes"/> times in a row without a byte read.
/// </summary>
internal sealed class S3ReadStream : Stream
{
    private const int MaxResumes = 3;

    private readonly IAmazonS3 _client;
    private readonly S3Errors _errors;
    private readonly string _bucket;
    private readonly string _key;
    private readonly string? _etag;
    private GetObjectResponse? _response;
    private Stream? _body;
    private long _position;
    private int _resumes;

    private S3ReadStream(IAmazonS3 client, S3Errors errors, string bucket, string key, long length, string? etag, long offset)
    {
        _client = client;
        _errors = errors;
        _bucket = bucket;
        _key = key;
        _etag = etag;
        Length = length;
        _position = Math.Min(offset, length);
    }

    public static async Task<Stream> OpenAsync(IAmazonS3 client, S3Errors errors, string bucket, string key, long length, string? etag, long offset, CancellationToken cancellationToken)
    {
        var stream = new S3ReadStream(client, errors, bucket, key, length, etag, offset);
        if (stream._position < length)
        {
            // Opened now, so a missing object is the RETR's 550 before its 150, not a failure mid-transfer.
            await stream.OpenBodyAsync(cancellationToken);
        }

        return stream;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= Length)
        {
            return 0;
        }

        while (true)
        {
            if (_body is null)
            {
                await OpenBodyAsync(cancellationToken);
            }

            int read;
            try
            {
                read = await _body!.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                // A store that drops an idle connection (a client reading slowly, a rate limit) is
                // asked again from here; only failures in a row, with no byte between, count.
                CloseBody();
                if (++_resumes > MaxResumes)
                {
                    throw _errors.Map("GetObject", _key, e);
                }

                continue;
            }

            if (read == 0)
            {
                if (_position < Length)
                {
                    // The store ended the body early: ask again from here (counted like a broken connection).
                    CloseBody();
                    if (++_resumes > MaxResumes)
                    {
                        throw _errors.Map("GetObject", _key, new IOException($"The storage ended the object at byte {_position} of {Length}."));
                    }

                    continue;
                }

                return 0;
            }

            _position += read;
            _resumes = 0;
            return read;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseBody();
        }

        base.Dispose(disposing);
    }

    private async Task OpenBodyAsync(CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest
        {
            BucketName = _bucket,
            Key = _key,
            ByteRange = new ByteRange(_position, Length - 1),
            EtagToMatch = _etag,
        };
        try
        {
            _response = await _client.GetObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
        {
            // Replaced since the download began: its bytes would not be one object's.
            throw new StorageException(StorageErrorKind.Transient, "The file changed during the download; try again.", e);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw _errors.Map("GetObject", _key, e);
        }

        _body = _response.ResponseStream;
    }

    private void CloseBody()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }
}
