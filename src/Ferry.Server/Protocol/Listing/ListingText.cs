using System.Buffers;
using System.Text;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// A listing line as a string, for the replies on the control connection (MLST, STAT path) and
/// tests: the same <see cref="IListingFormatter"/> as the data connection, decoded once.
/// </summary>
internal static class ListingText
{
    public static string Format<TFormatter>(TFormatter formatter, FileSystemEntry entry)
        where TFormatter : IListingFormatter
    {
        Span<byte> line = stackalloc byte[512];
        if (formatter.TryFormat(entry, line, out var written))
        {
            return Encoding.UTF8.GetString(line[..written]);
        }

        for (var size = 4096; ; size *= 2)
        {
            var rented = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                if (formatter.TryFormat(entry, rented, out written))
                {
                    return Encoding.UTF8.GetString(rented, 0, written);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
