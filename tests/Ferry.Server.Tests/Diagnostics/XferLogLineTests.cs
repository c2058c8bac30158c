using System.Net;
using System.Text;
using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;

namespace Ferry.Server.Tests.Diagnostics;

/// <summary>The xferlog(5) line: fields, time format, rounding, and names that try to break the line.</summary>
public sealed class XferLogLineTests
{
    private static readonly DateTimeOffset Ended = new(2026, 12, 7, 18, 9, 0, TimeSpan.Zero);

    private static TransferRecord Record(
        string path = "/up/a.bin", string user = "alice", IPAddress? address = null, double seconds = 0.3, DataChannelUse use = DataChannelUse.Upload,
        TransferType type = TransferType.Image, bool anonymous = false, bool controlTls = false, bool completed = true, long bytes = 1_048_576) =>
        new(7, address ?? IPAddress.Loopback, user, anonymous, use == DataChannelUse.Upload ? "STOR" : "RETR", use, path, bytes,
            TimeSpan.FromSeconds(seconds), type, Tls: controlTls, ControlTls: controlTls, completed, completed ? "ok" : "aborted");

    private static string Line(TransferRecord record, DateTimeOffset? ended = null, TimeZoneInfo? zone = null)
    {
        var text = new StringBuilder();
        XferLogLine.Append(record, ended ?? Ended, zone ?? TimeZoneInfo.Utc, text);
        return text.ToString();
    }

    [Fact]
    public void A_completed_binary_upload_has_every_field_of_xferlog_5()
    {
        Assert.Equal("Mon Dec  7 18:09:00 2026 1 127.0.0.1 1048576 /up/a.bin b _ i r alice ftp 0 * c", Line(Record()));
    }

    [Fact]
    public void A_download_an_ascii_transfer_an_anonymous_login_an_aborted_transfer_and_a_tls_session_set_their_fields()
    {
        Assert.Equal("Mon Dec  7 18:09:00 2026 1 127.0.0.1 1048576 /up/a.bin b _ o r alice ftp 0 * c", Line(Record(use: DataChannelUse.Download)));
        Assert.Equal("Mon Dec  7 18:09:00 2026 1 127.0.0.1 1048576 /up/a.bin a _ i r alice ftp 0 * c", Line(Record(type: TransferType.Ascii)));
        Assert.Equal("Mon Dec  7 18:09:00 2026 1 127.0.0.1 1048576 /up/a.bin b _ o a anonymous ftp 0 * c", Line(Record(user: "anonymous", anonymous: true, use: DataChannelUse.Download)));
        Assert.Equal("Mon Dec  7 18:09:00 2026 1 127.0.0.1 40960 /up/a.bin b _ i r alice ftp 0 * i", Line(Record(completed: false, bytes: 40960)));
        Assert.Equal("Mon Dec  7 18:09:00 2026 1 127.0.0.1 1048576 /up/a.bin b _ i r alice ftps 0 * c", Line(Record(controlTls: true)));
    }

    [Fact]
    public void The_time_is_local_with_the_day_padded_by_a_space_as_ctime_writes_it()
    {
        var plusTwo = TimeZoneInfo.CreateCustomTimeZone("Test+02", TimeSpan.FromHours(2), "Test+02", "Test+02");
        Assert.StartsWith("Mon Dec  7 20:09:00 2026 ", Line(Record(), zone: plusTwo), StringComparison.Ordinal);
        Assert.StartsWith("Thu Dec 17 18:09:00 2026 ", Line(Record(), new DateTimeOffset(2026, 12, 17, 18, 9, 0, TimeSpan.Zero)), StringComparison.Ordinal);
        Assert.StartsWith("Fri Jan  1 00:00:05 2027 ", Line(Record(), new DateTimeOffset(2027, 1, 1, 0, 0, 5, TimeSpan.Zero)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.2, 1)]
    [InlineData(1.4, 1)]
    [InlineData(1.5, 2)]
    [InlineData(61.6, 62)]
    public void The_transfer_time_is_whole_seconds_rounded_and_at_least_one_as_vsftpd_writes_it(double seconds, long expected)
    {
        Assert.Equal(expected, XferLogLine.Seconds(TimeSpan.FromSeconds(seconds)));
        Assert.Contains($" {expected} 127.0.0.1 ", Line(Record(seconds: seconds)), StringComparison.Ordinal);
    }

    [Fact]
    public void Spaces_in_a_file_name_become_underscores_so_the_fields_stay_apart()
    {
        var line = Line(Record(path: "/My Documents/a b\tc.txt"));
        Assert.Contains(" /My_Documents/a_b_c.txt b _ i ", line, StringComparison.Ordinal);
        Assert.Equal(18, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("/evil\nMon Dec  7 18:09:00 2026 1 203.0.113.9 1 /forged b _ o r root ftp 0 * c")]
    [InlineData("/evil\r\nforged")]
    [InlineData("/nul\0byte")]
    [InlineData("/del\u007Fand\u0085next-line\u2028line-separator")]
    [InlineData("/bidi\u202Eexe.txt")]
    [InlineData("/escape\u001B[31mred")]
    public void Control_characters_in_names_never_reach_the_file(string path)
    {
        var line = Line(Record(path: path, user: "bob\nroot"));
        Assert.DoesNotContain(line, c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202E');
        Assert.Equal(18, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(" r bob_root ftp 0 * c", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf8_names_are_kept()
    {
        Assert.Contains(" /Überweisung/文件.txt b ", Line(Record(path: "/Überweisung/文件.txt")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("2001:db8::7")]
    [InlineData("203.0.113.9")]
    public void The_remote_host_is_the_address_ipv6_included(string address)
    {
        Assert.Contains($" 1 {address} 1048576 ", Line(Record(address: IPAddress.Parse(address))), StringComparison.Ordinal);
    }

    [Fact]
    public void Listings_are_not_transfers()
    {
        Assert.False(XferLogLine.IsLogged(Record(use: DataChannelUse.Listing)));
        Assert.True(XferLogLine.IsLogged(Record(use: DataChannelUse.Download)));
        Assert.True(XferLogLine.IsLogged(Record(use: DataChannelUse.Upload)));
    }
}
