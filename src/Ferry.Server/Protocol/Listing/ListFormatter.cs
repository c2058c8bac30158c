using System.Globalization;
using System.Text;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// LIST lines in the `ls -l` form that FileZilla, WinSCP, lftp, curl and Windows Explorer all
/// parse: mode, links, owner, group, size, date, name. The date is "MMM dd HH:mm" within six
/// months of now and "MMM dd  yyyy" otherwise, as GNU ls prints it. One instance per listing:
/// the owner columns and the six-month window are worked out once, not per line.
/// </summary>
internal sealed class ListFormatter : IListingFormatter
{
    // Mode (10), space, links (3), space, [owner columns], size (12, up to 20 digits), space,
    // date (12), space, [name], CRLF.
    private const int FixedLength = 10 + 1 + 3 + 1 + 20 + 1 + 12 + 1 + 2;
    private const int SizeWidth = 12;

    private readonly byte[] _ownerColumns;
    private readonly DateTime _recentAfter;
    private readonly DateTime _recentUntil;

    public ListFormatter(DateTime nowUtc, string owner)
    {
        // Padded as the string formatting did it ({owner,-8}: in characters, not bytes), then encoded once.
        _ownerColumns = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{owner,-8} {owner,-8} "));
        _recentAfter = nowUtc.AddDays(-182);
        _recentUntil = nowUtc.AddHours(1);
    }

    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>rwx triples by their three bits, 3 bytes each ("---" for 0 … "rwx" for 7).</summary>
    private static ReadOnlySpan<byte> Triples => "-----x-w--wxr--r-xrw-rwx"u8;

    /// <summary>One line as a string (STAT over the control connection, tests).</summary>
    public static string Format(FileSystemEntry entry, DateTime nowUtc, string owner) =>
        new ListFormatter(nowUtc, owner).Format(entry);

    public string Format(FileSystemEntry entry) => ListingText.Format(this, entry);

    public bool TryFormat(FileSystemEntry entry, Span<byte> destination, out int written)
    {
        var name = entry.Name;
        if (destination.Length < FixedLength + _ownerColumns.Length + Encoding.UTF8.GetMaxByteCount(name.Length))
        {
            written = 0;
            return false;
        }

        var bits = (int)(entry.UnixMode ?? (entry.IsDirectory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100));
        destination[0] = entry.IsDirectory ? (byte)'d' : (byte)'-';
        Triples.Slice(((bits >> 6) & 7) * 3, 3).CopyTo(destination[1..]);
        Triples.Slice(((bits >> 3) & 7) * 3, 3).CopyTo(destination[4..]);
        Triples.Slice((bits & 7) * 3, 3).CopyTo(destination[7..]);

        // Links: 2 for a directory (itself and its "."), 1 otherwise, right-aligned in 3.
        (entry.IsDirectory ? "   2 "u8 : "   1 "u8).CopyTo(destination[10..]);
        var at = 15;
        _ownerColumns.CopyTo(destination[at..]);
        at += _ownerColumns.Length;
        at += WriteRightAligned(destination[at..], entry.Size, SizeWidth);
        destination[at++] = (byte)' ';
        at += WriteDate(destination[at..], entry.LastModifiedUtc);
        destination[at++] = (byte)' ';
        written = ListingName.WriteLast(destination, at, name);
        return true;
    }

    /// <summary>{value,width}: spaces, then the digits (a minus sign first for a negative number).</summary>
    private static int WriteRightAligned(Span<byte> destination, long value, int width)
    {
        Span<byte> digits = stackalloc byte[21];
        var length = 0;
        if (value < 0)
        {
            digits[length++] = (byte)'-';
        }

        length += AsciiDigits.WriteDecimal(digits[length..], value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value);
        var padding = Math.Max(0, width - length);
        destination[..padding].Fill((byte)' ');
        digits[..length].CopyTo(destination[padding..]);
        return padding + length;
    }

    /// <summary>"Nov  5 09:07" within the window, "Mar  9  2024" outside it (12 bytes either way for 4-digit years).</summary>
    private int WriteDate(Span<byte> destination, DateTime time)
    {
        var (year, month, day) = time;
        Months.Slice((month - 1) * 3, 3).CopyTo(destination);
        destination[3] = (byte)' ';
        destination[4] = day < 10 ? (byte)' ' : (byte)('0' + (day / 10));
        destination[5] = (byte)('0' + (day % 10));
        destination[6] = (byte)' ';
        if (time > _recentAfter && time <= _recentUntil)
        {
            AsciiDigits.WriteTwo(destination[7..], time.Hour);
            destination[9] = (byte)':';
            AsciiDigits.WriteTwo(destination[10..], time.Minute);
            return 12;
        }

        destination[7] = (byte)' ';
        return 8 + AsciiDigits.WriteDecimal(destination[8..], (ulong)year);
    }
}
