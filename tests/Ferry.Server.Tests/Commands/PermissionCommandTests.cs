using System.Text;
using Ferry.Server.Security;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>The permission gate of the command table: a verb the account may not use gets 550 and changes nothing.</summary>
public sealed class PermissionCommandTests
{
    private const string Bob = "bob";
    private const string BobPassword = "bob's password";

    [Fact]
    [VerbTest("STOR", "APPE", "STOU", "DELE", "RMD", "MKD", "RNFR", "MFMT", "SITE")]
    public async Task A_read_only_account_cannot_change_anything()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.ReadOnly);
        File.WriteAllText(Path.Combine(home, "file.txt"), "keep");
        Directory.CreateDirectory(Path.Combine(home, "dir"));
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);

        await ftp.CommandAsync("EPSV", 229);
        await ftp.CommandAsync("STOR new.txt", 550);
        await ftp.CommandAsync("APPE file.txt", 550);
        await ftp.CommandAsync("STOU", 550);
        await ftp.CommandAsync("DELE file.txt", 550);
        await ftp.CommandAsync("RMD dir", 550);
        await ftp.CommandAsync("MKD other", 550);
        await ftp.CommandAsync("RNFR file.txt", 550);
        await ftp.CommandAsync("RNTO renamed.txt", 503);
        await ftp.CommandAsync("MFMT 20000101000000 file.txt", 550);
        await ftp.CommandAsync("SITE CHMOD 600 file.txt", 550);

        Assert.Equal("keep", File.ReadAllText(Path.Combine(home, "file.txt")));
        Assert.True(Directory.Exists(Path.Combine(home, "dir")));
        Assert.Equal(["dir", "file.txt"], Directory.GetFileSystemEntries(home).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // What it may do still works.
        Assert.Equal("keep", await DataHelpers.DownloadTextAsync(ftp, "RETR file.txt"));
        await ftp.CommandAsync("SIZE file.txt", 213);
    }

    [Fact]
    [VerbTest("RETR", "LIST", "NLST", "MLSD", "MLST", "SIZE", "MDTM", "STAT")]
    public async Task An_upload_only_account_cannot_read_or_list()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.Write);
        File.WriteAllText(Path.Combine(home, "file.txt"), "secret");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);
        await ftp.CommandAsync("EPSV", 229);
        await ftp.CommandAsync("RETR file.txt", 550);
        await ftp.CommandAsync("LIST", 550);
        await ftp.CommandAsync("NLST", 550);
        await ftp.CommandAsync("MLSD", 550);
        await ftp.CommandAsync("MLST file.txt", 550);
        await ftp.CommandAsync("SIZE file.txt", 550);
        await ftp.CommandAsync("MDTM file.txt", 550);
        await ftp.CommandAsync("STAT /", 550);

        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR drop.txt", Encoding.UTF8.GetBytes("dropped"));
        Assert.Equal("dropped", File.ReadAllText(Path.Combine(home, "drop.txt")));
    }

    [Fact]
    [VerbTest("USER", "PASS")]
    public async Task A_disabled_account_gets_530()
    {
        await using var server = await TestServer.StartAsync();
        await server.AddUserAsync(Bob, BobPassword, UserPermissions.All, disabled: true);
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER " + Bob, 331);
        await ftp.CommandAsync("PASS " + BobPassword, 530);
        await ftp.CommandAsync("PWD", 530);
    }

    [Fact]
    [VerbTest("USER", "PASS", "STOR", "RETR")]
    public async Task Anonymous_login_is_read_only_when_enabled()
    {
        var anonymousRoot = Path.Combine(Path.GetTempPath(), "ferry-anon-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(anonymousRoot);
        try
        {
            File.WriteAllText(Path.Combine(anonymousRoot, "pub.txt"), "public");
            await using var server = await TestServer.StartAsync(o =>
            {
                o.AllowAnonymous = true;
                o.AnonymousRoot = anonymousRoot;
            });
            await using var ftp = await server.ConnectAsync(login: false);
            await ftp.CommandAsync("USER anonymous", 331);
            await ftp.CommandAsync("PASS guest@example.com", 230);
            Assert.Equal("public", await DataHelpers.DownloadTextAsync(ftp, "RETR pub.txt"));
            await ftp.CommandAsync("EPSV", 229);
            await ftp.CommandAsync("STOR up.txt", 550);
            await ftp.CommandAsync("MKD dir", 550);
            Assert.False(File.Exists(Path.Combine(anonymousRoot, "up.txt")));
        }
        finally
        {
            Directory.Delete(anonymousRoot, recursive: true);
        }
    }

    [Fact]
    [VerbTest("USER", "PASS")]
    public async Task Anonymous_is_refused_when_disabled()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER anonymous", 331);
        await ftp.CommandAsync("PASS guest@example.com", 530);
    }
}
