using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// Issue 11, finding 5: SITE CHMOD must not open the home to the machine's other accounts, which
/// could then plant files or run the symlink race against it: the home's own mode is not the FTP
/// user's to change, and no mode may let "others" write.
/// </summary>
public sealed class SiteChmodRefusalTests
{
    [Theory]
    [InlineData("SITE CHMOD 777 /")]
    [InlineData("SITE CHMOD 700 /")]
    [InlineData("SITE CHMOD 755 .")]
    [InlineData("SITE CHMOD 755 sub/..")]
    [VerbTest("SITE")]
    public async Task The_home_itself_keeps_its_mode(string command)
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("sub"));
        var before = File.GetUnixFileMode(server.Root);
        await using var ftp = await server.ConnectAsync();

        var reply = await ftp.CommandAsync(command, 550);
        Assert.Contains("home", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, File.GetUnixFileMode(server.Root));
    }

    [Theory]
    [InlineData("777")]
    [InlineData("666")]
    [InlineData("0002")]
    [InlineData("757")]
    [VerbTest("SITE")]
    public async Task A_mode_that_lets_others_write_is_refused(string mode)
    {
        await using var server = await TestServer.StartAsync();
        var file = DataHelpers.WriteFile(server, "file.txt", "x");
        Directory.CreateDirectory(server.PathOf("dir"));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var folderBefore = File.GetUnixFileMode(server.PathOf("dir"));
        await using var ftp = await server.ConnectAsync();

        var reply = await ftp.CommandAsync($"SITE CHMOD {mode} file.txt", 550);
        Assert.Contains("o+w", reply.Text, StringComparison.Ordinal);
        await ftp.CommandAsync($"SITE CHMOD {mode} dir", 550);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(folderBefore, File.GetUnixFileMode(server.PathOf("dir")));

        // Group write is the owner's business, and still allowed.
        await ftp.CommandAsync("SITE CHMOD 775 dir", 200);
        await ftp.CommandAsync("SITE CHMOD 664 file.txt", 200);
        Assert.Equal((UnixFileMode)0b110_110_100, File.GetUnixFileMode(file));
    }
}
