using System.Net.Sockets;
using System.Text;
using Ferry.Server.Security;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>Disabled accounts, read-only accounts and the USER/PASS sequence.</summary>
public sealed class AccountSecurityTests
{
    [Fact]
    [VerbTest("USER", "PASS")]
    public async Task A_disabled_user_gets_the_same_530_as_a_wrong_password()
    {
        await using var server = await TestServer.StartAsync();
        await server.AddUserAsync("mallory", "mallory-pass", UserPermissions.All, disabled: true);
        await using var ftp = await server.ConnectAsync(login: false);

        await ftp.CommandAsync("USER mallory", 331);
        var disabled = await ftp.CommandAsync("PASS mallory-pass", 530);
        await ftp.CommandAsync("PWD", 530);
        await ftp.CommandAsync("USER alice", 331);
        var wrong = await ftp.CommandAsync("PASS not-the-password", 530);
        await ftp.CommandAsync("USER mallory", 331);
        var disabledWrong = await ftp.CommandAsync("PASS also-wrong", 530);

        Assert.Equal(wrong.Lines, disabled.Lines);
        Assert.Equal(wrong.Lines, disabledWrong.Lines);
        await ftp.CommandAsync("LIST", 530);
    }

    [Fact]
    [VerbTest("PASS")]
    public async Task Pass_before_user_gets_503_and_does_not_log_in()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);

        await ftp.CommandAsync("PASS " + TestServer.Password, 503);
        await ftp.CommandAsync("PWD", 530);

        // A failed PASS uses up the USER: a second guess needs USER again.
        await ftp.CommandAsync("USER alice", 331);
        await ftp.CommandAsync("PASS wrong", 530);
        await ftp.CommandAsync("PASS " + TestServer.Password, 503);
        await ftp.CommandAsync("PWD", 530);
    }

    [Fact]
    [VerbTest("USER")]
    public async Task User_after_login_ends_the_login()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("PWD", 257);
        await ftp.CommandAsync("USER someone-else", 331);
        await ftp.CommandAsync("PWD", 530);
        await ftp.CommandAsync("RETR anything", 530);
    }

    [Fact]
    [VerbTest("STOR", "APPE", "STOU", "DELE", "MKD", "RMD", "RNFR", "SITE", "MFMT", "LIST", "RETR")]
    public async Task A_read_only_user_can_list_and_download_but_change_nothing()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync("reader", "reader-pass", UserPermissions.ReadOnly);
        await File.WriteAllTextAsync(Path.Combine(home, "report.txt"), "quarterly numbers");
        Directory.CreateDirectory(Path.Combine(home, "folder"));
        File.SetUnixFileMode(Path.Combine(home, "report.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var mtime = File.GetLastWriteTimeUtc(Path.Combine(home, "report.txt"));
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync("reader", "reader-pass");
        await ftp.CommandAsync("TYPE I", 200);

        // Reading works.
        using (var data = await ftp.OpenPassiveAsync())
        {
            await ftp.CommandAsync("LIST", 150);
            var (listing, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
            Assert.Contains("report.txt", Encoding.UTF8.GetString(listing), StringComparison.Ordinal);
            await ftp.ExpectAsync(226);
        }

        using (var data = await ftp.OpenPassiveAsync())
        {
            await ftp.CommandAsync("RETR report.txt", 150);
            var (content, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
            Assert.Equal("quarterly numbers", Encoding.UTF8.GetString(content));
            await ftp.ExpectAsync(226);
        }

        // Every change is refused with 550, even with a data connection ready.
        foreach (var line in new[] { "STOR new.txt", "STOR report.txt", "APPE report.txt", "STOU" })
        {
            using var data = await ftp.OpenPassiveAsync();
            var reply = await ftp.SendAndReadAsync(line);
            Assert.True(reply.Code == 550, $"{line}: expected 550, got {reply}");
            try
            {
                await data.SendAsync(Encoding.ASCII.GetBytes("overwrite"), SocketFlags.None);
            }
            catch (SocketException)
            {
            }
        }

        await ftp.CommandAsync("DELE report.txt", 550);
        await ftp.CommandAsync("MKD newdir", 550);
        await ftp.CommandAsync("RMD folder", 550);
        await ftp.CommandAsync("RNFR report.txt", 550);
        await ftp.CommandAsync("RNTO renamed.txt", 503);
        await ftp.CommandAsync("SITE CHMOD 777 report.txt", 550);
        await ftp.CommandAsync("MFMT 20000101000000 report.txt", 550);
        await ftp.CommandAsync("NOOP", 200);

        Assert.Equal("quarterly numbers", await File.ReadAllTextAsync(Path.Combine(home, "report.txt")));
        Assert.Equal(["folder", "report.txt"], Directory.GetFileSystemEntries(home).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(home, "report.txt")));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(Path.Combine(home, "report.txt")));
    }
}
