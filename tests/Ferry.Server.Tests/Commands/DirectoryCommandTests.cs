using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>CWD, CDUP, PWD, MKD, RMD (RFC 959 §4.1.1, §4.1.3) and their X aliases (RFC 775).</summary>
public sealed class DirectoryCommandTests
{
    [Fact]
    [VerbTest("CWD", "PWD")]
    public async Task Cwd_changes_the_directory_pwd_reports()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("a/b"));
        await using var ftp = await server.ConnectAsync();
        Assert.Equal("257 \"/\" is the current directory.", (await ftp.CommandAsync("PWD", 257)).Lines[0]);
        await ftp.CommandAsync("CWD a", 250);
        await ftp.CommandAsync("CWD b", 250);
        Assert.StartsWith("\"/a/b\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
        await ftp.CommandAsync("CWD /a", 250);
        Assert.StartsWith("\"/a\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
        await ftp.CommandAsync("CWD ../a/./b/..", 250);
        Assert.StartsWith("\"/a\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("CWD")]
    public async Task Cwd_to_a_missing_directory_or_a_file_gets_550_and_stays_put()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("dir"));
        DataHelpers.WriteFile(server, "file.txt", "hello");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("CWD dir", 250);
        await ftp.CommandAsync("CWD /missing", 550);
        await ftp.CommandAsync("CWD /file.txt", 550);
        Assert.StartsWith("\"/dir\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("CWD")]
    public async Task Cwd_cannot_climb_above_the_root()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("CWD ../../..", 250);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("XCWD", "XPWD")]
    public async Task Xcwd_and_xpwd_are_aliases()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("dir"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("XCWD dir", 250);
        Assert.StartsWith("\"/dir\"", (await ftp.CommandAsync("XPWD", 257)).Text, StringComparison.Ordinal);
        await ftp.CommandAsync("XCWD nope", 550);
    }

    [Fact]
    [VerbTest("CDUP", "XCUP")]
    public async Task Cdup_goes_to_the_parent_and_stays_at_the_root()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("a/b"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("CWD /a/b", 250);
        await ftp.CommandAsync("CDUP", 250);
        Assert.StartsWith("\"/a\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
        await ftp.CommandAsync("XCUP", 250);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
        await ftp.CommandAsync("CDUP", 250);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("MKD")]
    public async Task Mkd_creates_the_directory_and_replies_its_quoted_absolute_path()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("top"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("CWD top", 250);
        var reply = await ftp.CommandAsync("MKD new dir", 257);
        Assert.StartsWith("\"/top/new dir\"", reply.Text, StringComparison.Ordinal);
        Assert.True(Directory.Exists(server.PathOf("top/new dir")));
    }

    /// <summary>RFC 959 Appendix II: an embedded double quote is doubled in the 257 reply.</summary>
    [Fact]
    [VerbTest("MKD", "PWD")]
    public async Task Mkd_and_pwd_double_embedded_quotes()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("MKD say \"hi\"", 257);
        Assert.StartsWith("\"/say \"\"hi\"\"\"", reply.Text, StringComparison.Ordinal);
        Assert.True(Directory.Exists(server.PathOf("say \"hi\"")));
        await ftp.CommandAsync("CWD say \"hi\"", 250);
        var pwd = await ftp.CommandAsync("PWD", 257);
        Assert.StartsWith("\"/say \"\"hi\"\"\" ", pwd.Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("MKD")]
    public async Task Mkd_of_an_existing_name_or_without_argument_fails()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("dir"));
        DataHelpers.WriteFile(server, "file", "x");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("MKD dir", 550);
        await ftp.CommandAsync("MKD file", 550);
        await ftp.CommandAsync("MKD missing/child", 550);
        await ftp.CommandAsync("MKD", 501);
    }

    [Fact]
    [VerbTest("XMKD", "XRMD")]
    public async Task Xmkd_and_xrmd_are_aliases()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        Assert.StartsWith("\"/x\"", (await ftp.CommandAsync("XMKD x", 257)).Text, StringComparison.Ordinal);
        Assert.True(Directory.Exists(server.PathOf("x")));
        await ftp.CommandAsync("XRMD x", 250);
        Assert.False(Directory.Exists(server.PathOf("x")));
        await ftp.CommandAsync("XRMD x", 550);
    }

    /// <summary>RFC 2640 §3.2: path names are UTF-8 on the control connection.</summary>
    [Fact]
    [VerbTest("MKD", "CWD", "PWD")]
    public async Task Utf8_directory_names_round_trip()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("MKD Überweisungen 日本", 257);
        Assert.StartsWith("\"/Überweisungen 日本\"", reply.Text, StringComparison.Ordinal);
        Assert.True(Directory.Exists(server.PathOf("Überweisungen 日本")));
        await ftp.CommandAsync("CWD Überweisungen 日本", 250);
        Assert.StartsWith("\"/Überweisungen 日本\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }
}
