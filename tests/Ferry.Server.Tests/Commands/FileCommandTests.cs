using System.Globalization;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>DELE, RNFR/RNTO (RFC 959 §4.1.3), SIZE, MDTM (RFC 3659) and MFMT (draft-somers-ftp-mfxx).</summary>
public sealed class FileCommandTests
{
    [Fact]
    [VerbTest("RNFR")]
    public async Task Rnfr_of_a_missing_file_gets_550_and_rnto_then_503()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("RNFR missing.txt", 550);
        await ftp.CommandAsync("RNTO other.txt", 503);
        await ftp.CommandAsync("RNFR", 501);
    }

    [Fact]
    [VerbTest("RNTO")]
    public async Task Rnto_without_rnfr_gets_503()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "a.txt", "x");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("RNTO b.txt", 503);
        Assert.True(File.Exists(server.PathOf("a.txt")));
        Assert.False(File.Exists(server.PathOf("b.txt")));
    }

    [Fact]
    [VerbTest("RNFR", "RNTO")]
    public async Task Another_command_between_rnfr_and_rnto_cancels_the_rename()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "a.txt", "x");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("RNFR a.txt", 350);
        await ftp.CommandAsync("NOOP", 200);
        await ftp.CommandAsync("RNTO b.txt", 503);
        Assert.True(File.Exists(server.PathOf("a.txt")));
        Assert.False(File.Exists(server.PathOf("b.txt")));
    }

    /// <summary>
    /// RFC 959 §4.1.3: RNFR "must be immediately followed by" RNTO, so a command that was
    /// refused (here a 501 for a missing argument, and an unknown verb) breaks the pair too.
    /// </summary>
    [Theory]
    [InlineData("MKD")]
    [InlineData("XYZZY")]
    [InlineData("SMNT /x")]
    public async Task A_refused_command_between_rnfr_and_rnto_also_cancels_the_rename(string between)
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "a.txt", "x");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("RNFR a.txt", 350);
        await ftp.SendAsync(between);
        var refused = await ftp.ReadReplyAsync();
        Assert.True(refused.Code >= 500, $"expected a 5xx for {between}, got: {refused}");
        await ftp.CommandAsync("RNTO b.txt", 503);
        Assert.True(File.Exists(server.PathOf("a.txt")));
    }

    [Fact]
    [VerbTest("SIZE")]
    public async Task Size_reports_bytes_and_refuses_directories_and_missing_files()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "five.bin", [1, 2, 3, 4, 5]);
        Directory.CreateDirectory(server.PathOf("dir"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        Assert.Equal("213 5", (await ftp.CommandAsync("SIZE five.bin", 213)).Lines[0]);
        await ftp.CommandAsync("SIZE dir", 550);
        await ftp.CommandAsync("SIZE missing", 550);
        await ftp.CommandAsync("SIZE", 501);
    }

    [Fact]
    [VerbTest("MDTM")]
    public async Task Mdtm_reports_the_modification_time_in_utc()
    {
        await using var server = await TestServer.StartAsync();
        var path = DataHelpers.WriteFile(server, "dated.txt", "x");
        File.SetLastWriteTimeUtc(path, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        await using var ftp = await server.ConnectAsync();
        Assert.Equal("213 20010203040506", (await ftp.CommandAsync("MDTM dated.txt", 213)).Lines[0]);
        await ftp.CommandAsync("MDTM missing.txt", 550);
        await ftp.CommandAsync("MDTM", 501);
    }

    [Fact]
    [VerbTest("MFMT")]
    public async Task Mfmt_sets_the_modification_time()
    {
        await using var server = await TestServer.StartAsync();
        var path = DataHelpers.WriteFile(server, "touch me.txt", "x");
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("MFMT 19991231235958 touch me.txt", 213);
        Assert.Equal("213 Modify=19991231235958; touch me.txt", reply.Lines[0]);
        Assert.Equal(new DateTime(1999, 12, 31, 23, 59, 58, DateTimeKind.Utc), File.GetLastWriteTimeUtc(path));
        Assert.Equal("213 19991231235958", (await ftp.CommandAsync("MDTM touch me.txt", 213)).Lines[0]);
    }

    [Theory]
    [InlineData("MFMT notatime file.txt")]
    [InlineData("MFMT 2020010112 file.txt")]
    [InlineData("MFMT 20201301000000 file.txt")]
    [InlineData("MFMT 20200101000000")]
    [InlineData("MFMT")]
    [VerbTest("MFMT")]
    public async Task Mfmt_with_a_bad_timestamp_gets_501_and_leaves_the_file(string command)
    {
        await using var server = await TestServer.StartAsync();
        var path = DataHelpers.WriteFile(server, "file.txt", "x");
        var before = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, before);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 501);
        Assert.Equal(before, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    [VerbTest("MFMT")]
    public async Task Mfmt_of_a_missing_file_gets_550()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("MFMT 20200101000000 missing.txt", 550);
        Assert.False(File.Exists(server.PathOf("missing.txt")));
    }

    [Fact]
    [VerbTest("MFMT")]
    public async Task Mfmt_accepts_milliseconds()
    {
        await using var server = await TestServer.StartAsync();
        var path = DataHelpers.WriteFile(server, "f.txt", "x");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("MFMT 20200102030405.250 f.txt", 213);
        var expected = DateTime.ParseExact("20200102030405.250", "yyyyMMddHHmmss.fff", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.Equal(expected, File.GetLastWriteTimeUtc(path));
    }
}
