using System.Buffers;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// Writes listing lines into the data connection through one pooled buffer, flushed when full,
/// so a directory of any size streams out as it is read and is never held whole in memory.
/// Formatters write their UTF-8 straight into the buffer: no string per line.
/// </summary>
internal sealed class ListingWriter : IDisposable
{
    private const int BufferSize = 64 * 1024;

    // A line beyond this is not a listing line: a formatter that never fits is a bug, not a reason to allocate without end.
    private const int MaxLineSize = 16 * 1024 * 1024;

    private readonly Stream _network;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _length;

    public ListingWriter(Stream network) => _network = network;

    public long BytesWritten { get; private set; }

    /// <summary>The line of <paramref name="entry"/>; completes synchronously unless the buffer must be flushed first.</summary>
    public ValueTask WriteAsync<TFormatter>(TFormatter formatter, FileSystemEntry entry, CancellationToken cancellationToken)
        where TFormatter : IListingFormatter
    {
        if (formatter.TryFormat(entry, _buffer.AsSpan(_length), out var written))
        {
            _length += written;
            return ValueTask.CompletedTask;
        }

        return FlushAndWriteAsync(formatter, entry, cancellationToken);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }

        await _network.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken);
        BytesWritten += _length;
        _length = 0;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private async ValueTask FlushAndWriteAsync<TFormatter>(TFormatter formatter, FileSystemEntry entry, CancellationToken cancellationToken)
        where TFormatter : IListingFormatter
    {
        await FlushAsync(cancellationToken);
        if (formatter.TryFormat(entry, _buffer, out var written))
        {
            _length = written;
            return;
        }

        // Longer than the whole buffer (a name of thousands of characters from a backend without NAME_MAX): a buffer of its own.
        for (var size = _buffer.Length * 2; size <= MaxLineSize; size *= 2)
        {
            var line = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                if (formatter.TryFormat(entry, line, out written))
                {
                    await _network.WriteAsync(line.AsMemory(0, written), cancellationToken);
                    BytesWritten += written;
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(line);
            }
        }

        throw new InvalidOperationException($"A listing line of {entry.Name.Length} characters did not fit in {MaxLineSize} bytes.");
    }
}
