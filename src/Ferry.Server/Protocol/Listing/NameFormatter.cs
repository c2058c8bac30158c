using System.Text;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>NLST lines (RFC 959 §4.1.3): the name alone, then CRLF.</summary>
/// <param name="fixedName">
/// For "NLST file", the name as the client gave it, as `ls file` answers; null to list each entry's own name.
/// </param>
internal sealed class NameFormatter(string? fixedName) : IListingFormatter
{
    public bool TryFormat(FileSystemEntry entry, Span<byte> destination, out int written)
    {
        var name = fixedName ?? entry.Name;
        if (destination.Length < Encoding.UTF8.GetMaxByteCount(name.Length) + 2)
        {
            written = 0;
            return false;
        }

        written = ListingName.WriteLast(destination, 0, name);
        return true;
    }
}
