using System.Buffers;
using System.Text;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// Writes listing lines into the data connection through one pooled buffer, flushed when full,
/// so a directory of any size streams out as it is read and is never held whole in memory.
/// </summary>
internal sealed class ListingWriter : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _network;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _length;

    public ListingWriter(Stream network) => _network = network;

    public long BytesWritten { get; private set; }

    public async ValueTask WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(line.Length);
        if (_length + needed > _buffer.Length)
        {
            await FlushAsync(cancellationToken);
        }

        if (needed > _buffer.Length)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            await _network.WriteAsync(bytes, cancellationToken);
            BytesWritten += bytes.Length;
            return;
        }

        _length += Encoding.UTF8.GetBytes(line, _buffer.AsSpan(_length));
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
}
