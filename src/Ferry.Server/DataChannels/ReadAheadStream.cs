using System.Buffers;

namespace Ferry.Server.DataChannels;

/// <summary>
/// The socket side of a TLS data connection, read in large blocks. SslStream asks its inner
/// stream for about one record (16 KiB) at a time, so a TLS upload made a receive system call,
/// and as often an epoll wait and a thread hop, per record. Here one receive takes whatever the
/// kernel holds, up to the buffer, and SslStream's record reads are served from memory. Writes
/// pass straight through: the handshake and close_notify must leave at once.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private readonly Stream _inner;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _stopped;
    private bool _disposed;

    public ReadAheadStream(Stream inner, int bufferSize)
    {
        _inner = inner;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>
    /// Called once, when the first read from the peer completes and before its bytes reach the
    /// reader: on a TLS data connection, the moment the ClientHello is in, strictly before any
    /// reply of the handshake can go out (TransferRunner holds the 150 on it).
    /// </summary>
    public Action? FirstRead { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// From now on reads go straight through (a download reads only close_notify): the buffer goes
    /// back to the pool once what it holds has been read.
    /// </summary>
    public void StopReadingAhead()
    {
        _stopped = true;
        ReturnBufferWhenDrained();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_start == _end)
        {
            if (_buffer is not { } buffer || destination.Length == 0 || destination.Length >= buffer.Length)
            {
                // A zero-byte read is a wait for data (SslStream uses it); a large read needs no copy.
                var read = await _inner.ReadAsync(destination, cancellationToken);
                NoteFirstRead();
                return read;
            }

            _start = 0;
            _end = await _inner.ReadAsync(buffer, cancellationToken);
            NoteFirstRead();
        }

        return TakeBuffered(destination.Span);
    }

    public override int Read(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_start == _end)
        {
            if (_buffer is not { } buffer || destination.Length == 0 || destination.Length >= buffer.Length)
            {
                var read = _inner.Read(destination);
                NoteFirstRead();
                return read;
            }

            _start = 0;
            _end = _inner.Read(buffer);
            NoteFirstRead();
        }

        return TakeBuffered(destination);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(source, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(ReadOnlySpan<byte> source) => _inner.Write(source);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _disposed = true;

        base.Dispose(disposing);
    }

    private void NoteFirstRead()
    {
        var firstRead = FirstRead;
        FirstRead = null;
        firstRead?.Invoke();
    }

    private int TakeBuffered(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        if (_stopped)
        {
            ReturnBufferWhenDrained();
        }

        return count;
    }

    private void ReturnBufferWhenDrained()
    {
        if (_start == _end && _buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
