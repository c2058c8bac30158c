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
        var recent = new FileSystemEntry("a b.txt", false, 1234, new DateTime(2026, 11, 5, 9, 7, 0, DateTimeKind.Utc), (UnixFileMode)0b110_100_100, "1");
        var old = recent with { LastModifiedUtc = new DateTime(2024, 3, 9, 0, 0, 0, DateTimeKind.Utc) };
        Assert.Equal("-rw-r--r--   1 bob      bob              1234 Nov  5 09:07 a b.txt\r\n", ListFormatter.Format(recent, Now, "bob"));
        Assert.Equal("-rw-r--r--   1 bob      bob              1234 Mar  9  2024 a b.txt\r\n", ListFormatter.Format(old, Now, "bob"));
    }

    [Fact]
    public void Directory_line_starts_with_d_and_its_mode()
    {
        var directory = new FileSystemEntry("sub", true, 0, Now, (UnixFileMode)0b111_101_000, "2");
        Assert.StartsWith("drwxr-x---", ListFormatter.Format(directory, Now, "bob"), StringComparison.Ordinal);
    }

    [Fact]
    public void Mlsx_facts_follow_the_selection_and_user_permissions()
    {
        var file = new FileSystemEntry("f", false, 5, Now, (UnixFileMode)0b110_100_100, "abc");
        var all = MlsxFormatter.FormatFacts(file, MlsxFormatter.DefaultFacts, UserPermissions.All);
        Assert.Equal("type=file;size=5;modify=20261201120000;perm=adfrw;unique=abc;UNIX.mode=0644;", all);
        var readOnly = MlsxFormatter.FormatFacts(file, new HashSet<string> { "type", "perm" }, UserPermissions.ReadOnly);
        Assert.Equal("type=file;perm=r;", readOnly);
    }

    [Theory]
    [InlineData("-a", true, "")]
    [InlineData("-la /dir", true, "/dir")]
    [InlineData("-l", false, "")]
    [InlineData("-a -l my dir", true, "my dir")]
    [InlineData("-x.txt", false, "-x.txt")]
    [InlineData("plain", false, "plain")]
    public void Listing_options_are_split_from_the_path(string argument, bool hidden, string path)
    {
        var options = ListingOptions.Parse(argument);
        Assert.Equal(hidden, options.ShowHidden);
        Assert.Equal(path, options.Path);
    }
}
