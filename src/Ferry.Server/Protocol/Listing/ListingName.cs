using System.Text;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>How every listing line ends: the entry's name as UTF-8 (RFC 2640), then CRLF (RFC 959 §3.1.1.1).</summary>
internal static class ListingName
{
    /// <summary>
    /// Whether a name from the storage may be listed. A name with CR, LF or NUL (made on the disk by
    /// a local user; FTP refuses to make one, see VirtualPath.Resolve) is left out of every listing,
    /// LIST, NLST, MLSD and STAT alike: written out it would end its line early and the rest would
    /// read as another entry, or in STAT as a reply line of its own; and no FTP command could name it
    /// anyway (RFC 959 §5.3.2), so a client shown it could neither fetch nor delete it. Escaping it
    /// instead would show a name that does not exist, or that is another file's. Other control
    /// characters (ESC, TAB) end no line and such names can be named, so they are listed as they
    /// are on the data connection (on the control connection the reply formatter shows them as '?').
    /// </summary>
    public static bool IsListable(string name) => !VirtualPath.HasForbiddenCharacter(name);

    /// <summary>Writes <paramref name="name"/> and CRLF at <paramref name="at"/>; returns the line's length.</summary>
    public static int WriteLast(Span<byte> destination, int at, string name)
    {
        at += Encoding.UTF8.GetBytes(name, destination[at..]);
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        return at;
    }
}
