using System.Text;
using Ferry.Server.Protocol.Listing;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Unit;

public sealed class ListFormatterTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Recent_file_shows_time_and_old_file_shows_year()
    {
        var recent = new FileSystemEntry("a b.txt", false, 1234, new DateTime(2026, 11, 5, 9, 7, 0, DateTimeKind.Utc), (UnixFileMode)0b110_100_100, 1);
        var old = recent with { LastModifiedUtc = new DateTime(2024, 3, 9, 0, 0, 0, DateTimeKind.Utc) };
        Assert.Equal("-rw-r--r--   1 bob      bob              1234 Nov  5 09:07 a b.txt\r\n", ListFormatter.Format(recent, Now, "bob"));
        Assert.Equal("-rw-r--r--   1 bob      bob              1234 Mar  9  2024 a b.txt\r\n", ListFormatter.Format(old, Now, "bob"));
    }

    [Fact]
    public void Directory_line_starts_with_d_and_its_mode()
    {
        var directory = new FileSystemEntry("sub", true, 0, Now, (UnixFileMode)0b111_101_000, 2);
        Assert.StartsWith("drwxr-x---", ListFormatter.Format(directory, Now, "bob"), StringComparison.Ordinal);
    }

    [Fact]
    public void Mlsx_facts_follow_the_selection_and_user_permissions()
    {
        var file = new FileSystemEntry("f", false, 5, Now, (UnixFileMode)0b110_100_100, new UInt128(0x801, 0xabc));
        var all = MlsxFormatter.FormatFacts(file, MlsxFormatter.DefaultFacts, UserPermissions.All);
        Assert.Equal("type=file;size=5;modify=20261201120000;perm=adfrw;unique=801-abc;UNIX.mode=0644;", all);
        var readOnly = MlsxFormatter.FormatFacts(file, new HashSet<string> { "type", "perm" }, UserPermissions.ReadOnly);
        Assert.Equal("type=file;perm=r;", readOnly);
    }

    [Fact]
    public void Formatters_refuse_a_buffer_too_small_and_write_the_same_line_into_a_large_one()
    {
        var file = new FileSystemEntry("naïve.txt", false, 5, Now, (UnixFileMode)0b110_100_100, 1);
        var policy = new PermissionPolicy(UserPermissions.All, [], anonymous: false);
        foreach (IListingFormatter formatter in new IListingFormatter[] { new ListFormatter(Now, "bob"), new MlsxFormatter(MlsxFormatter.DefaultFacts, policy, VirtualPath.Root), new NameFormatter(null) })
        {
            Assert.False(formatter.TryFormat(file, new byte[20], out _));
            var buffer = new byte[1000];
            Assert.True(formatter.TryFormat(file, buffer, out var written));
            Assert.Equal(ListingText.Format(formatter, file), Encoding.UTF8.GetString(buffer, 0, written));
            Assert.EndsWith(" naïve.txt\r\n", " " + ListingText.Format(formatter, file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Odd_values_are_formatted_as_the_string_formatting_did()
    {
        var huge = new FileSystemEntry("big", false, 123_456_789_012_345, new DateTime(999, 1, 2, 3, 4, 5, DateTimeKind.Utc), (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit, UInt128.Zero);
        Assert.Equal("-rwxrwxrwx   1 bob      bob      123456789012345 Jan  2  999 big\r\n", ListFormatter.Format(huge, Now, "bob"));
        Assert.Equal("size=123456789012345;modify=09990102030405;unique=0-0;UNIX.mode=01777;",
            MlsxFormatter.FormatFacts(huge, new HashSet<string> { "size", "modify", "unique", "UNIX.mode" }, UserPermissions.All));
        var noMode = new FileSystemEntry("d", true, 0, Now, null, new UInt128(ulong.MaxValue, ulong.MaxValue));
        Assert.StartsWith("drwxr-xr-x   2 a very long owner a very long owner            0 Dec  1 12:00 d", ListFormatter.Format(noMode, Now, "a very long owner"), StringComparison.Ordinal);
        Assert.Equal("type=dir;unique=ffffffffffffffff-ffffffffffffffff;", MlsxFormatter.FormatFacts(noMode, MlsxFormatter.DefaultFacts, UserPermissions.None).Replace("modify=20261201120000;perm=e;", string.Empty, StringComparison.Ordinal));
    }

    /// <summary>Thousands of lines through the 64 KiB buffer, and one line longer than the buffer: the bytes are exactly the lines in order.</summary>
    [Fact]
    public async Task Listing_writer_flushes_whole_lines_in_order_and_takes_a_line_longer_than_its_buffer()
    {
        var entries = Enumerable.Range(0, 5000)
            .Select(i => new FileSystemEntry($"entry {i} {new string('é', i % 50)}", i % 7 == 0, i, Now.AddMinutes(-i), (UnixFileMode)0b110_100_100, (UInt128)i))
            .Append(new FileSystemEntry(new string('ж', 40_000), false, 1, Now, null, 9))
            .ToArray();
        var formatter = new ListFormatter(Now, "bob");
        using var network = new MemoryStream();
        using (var writer = new ListingWriter(network))
        {
            foreach (var entry in entries)
            {
                await writer.WriteAsync(formatter, entry, CancellationToken.None);
            }

            await writer.FlushAsync(CancellationToken.None);
            Assert.Equal(network.Length, writer.BytesWritten);
        }

        Assert.Equal(string.Concat(entries.Select(formatter.Format)), Encoding.UTF8.GetString(network.ToArray()));
    }

    [Theory]
    [InlineData("-a", true, "")]
    [InlineData("-la /dir", true, "/dir")]
    [InlineData("-l", false, "")]
    [InlineData("-a -l my dir", true, "my dir")]
    [InlineData("-x.txt", false, "-x.txt")]
    [InlineData("plain", false, "plain")]
    [InlineData("-1", false, "")]
    [InlineData("-1a", true, "")]
    [InlineData("-CF", false, "")]
    [InlineData("-al sub", true, "sub")]
    [InlineData("-1 -a my dir", true, "my dir")]
    [InlineData("-- -la", false, "-la")]
    [InlineData("-a -- -la", true, "-la")]
    [InlineData("--", false, "")]
    [InlineData("./-la", false, "./-la")]
    [InlineData("-too-long-name", false, "-too-long-name")]
    [InlineData("-averylongname", false, "-averylongname")]
    public void Listing_options_are_split_from_the_path(string argument, bool hidden, string path)
    {
        var options = ListingOptions.Parse(argument);
        Assert.Equal(hidden, options.ShowHidden);
        Assert.Equal(path, options.Path);
    }
}
