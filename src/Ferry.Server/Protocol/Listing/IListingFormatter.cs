using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// One listing line per entry, written as UTF-8 straight into the caller's buffer (the data
/// connection's, through <see cref="ListingWriter"/>), so a listing allocates nothing per line.
/// </summary>
internal interface IListingFormatter
{
    /// <summary>
    /// Writes the line of <paramref name="entry"/>, CRLF included (RFC 959 §3.1.1.1). False, with
    /// nothing usable written, when <paramref name="destination"/> may be too small; the caller
    /// retries with more room.
    /// </summary>
    bool TryFormat(FileSystemEntry entry, Span<byte> destination, out int written);
}
