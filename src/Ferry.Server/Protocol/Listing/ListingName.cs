using System.Text;

namespace Ferry.Server.Protocol.Listing;

/// <summary>How every listing line ends: the entry's name as UTF-8 (RFC 2640), then CRLF (RFC 959 §3.1.1.1).</summary>
internal static class ListingName
{
    /// <summary>Writes <paramref name="name"/> and CRLF at <paramref name="at"/>; returns the line's length.</summary>
    public static int WriteLast(Span<byte> destination, int at, string name)
    {
        at += Encoding.UTF8.GetBytes(name, destination[at..]);
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        return at;
    }
}
