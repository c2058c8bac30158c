using System.Globalization;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// LIST lines in the `ls -l` form that FileZilla, WinSCP, lftp, curl and Windows Explorer all
/// parse: mode, links, owner, group, size, date, name. The date is "MMM dd HH:mm" within six
/// months of now and "MMM dd  yyyy" otherwise, as GNU ls prints it.
/// </summary>
internal static class ListFormatter
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static string Format(FileSystemEntry entry, DateTime nowUtc, string owner)
    {
        var mode = Mode(entry);
        var time = entry.LastModifiedUtc;
        var recent = time > nowUtc.AddDays(-182) && time <= nowUtc.AddHours(1);
        var date = recent
            ? string.Create(CultureInfo.InvariantCulture, $"{Months[time.Month - 1]} {time.Day,2} {time:HH\\:mm}")
            : string.Create(CultureInfo.InvariantCulture, $"{Months[time.Month - 1]} {time.Day,2}  {time.Year}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{mode} {(entry.IsDirectory ? 2 : 1),3} {owner,-8} {owner,-8} {entry.Size,12} {date} {entry.Name}\r\n");
    }

    private static string Mode(FileSystemEntry entry)
    {
        var bits = entry.UnixMode ?? (entry.IsDirectory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
        Span<char> text = stackalloc char[10];
        text[0] = entry.IsDirectory ? 'd' : '-';
        ReadOnlySpan<char> letters = "rwxrwxrwx";
        for (var i = 0; i < 9; i++)
        {
            text[i + 1] = ((int)bits & (1 << (8 - i))) != 0 ? letters[i] : '-';
        }

        return new string(text);
    }
}
