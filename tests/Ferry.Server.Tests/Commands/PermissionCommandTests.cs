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
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.UploadOnly);
        File.WriteAllText(Path.Combine(home, "file.txt"), "secret");
        Directory.CreateDirectory(Path.Combine(home, "dir"));
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);

        // Each refusal names what the account may not do; a missing file gets the same answer, so nothing leaks.
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: this account may not download files.", (await ftp.CommandAsync("RETR file.txt", 550)).Text);
        await ftp.CommandAsync("RETR missing.txt", 550);
        Assert.Equal("Permission denied: this account may not list directories.", (await ftp.CommandAsync("LIST", 550)).Text);
        await ftp.CommandAsync("NLST", 550);
        await ftp.CommandAsync("MLSD", 550);
        await ftp.CommandAsync("MLST file.txt", 550);
        await ftp.CommandAsync("SIZE file.txt", 550);
        await ftp.CommandAsync("SIZE missing.txt", 550);
        await ftp.CommandAsync("MDTM file.txt", 550);
        await ftp.CommandAsync("STAT /", 550);
        await ftp.CommandAsync("STAT", 211);

        // CWD still works, so a drop box can have folders the admin made.
        await ftp.CommandAsync("CWD dir", 250);
        await ftp.CommandAsync("CWD /", 250);

        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR drop.txt", Encoding.UTF8.GetBytes("dropped"));
        Assert.Equal("dropped", File.ReadAllText(Path.Combine(home, "drop.txt")));
        await DataHelpers.UploadAsync(ftp, "STOR dir/inside.txt", Encoding.UTF8.GetBytes("inside"));
        Assert.Equal("inside", File.ReadAllText(Path.Combine(home, "dir", "inside.txt")));
    }

    [Fact]
    [VerbTest("STOR", "APPE", "REST", "RNFR", "DELE", "MKD", "MFMT", "SITE")]
    public async Task An_upload_only_account_cannot_overwrite_append_resume_or_tidy_up()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.UploadOnly);
        File.WriteAllText(Path.Combine(home, "theirs.txt"), "someone else's");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);
        await ftp.CommandAsync("TYPE I", 200);

        var overwrite = "Permission denied: this account may not overwrite or change existing files.";
        var data = await ftp.OpenPassiveAsync();
        Assert.Equal(overwrite, (await ftp.CommandAsync("STOR theirs.txt", 550)).Text);

        // The refused transfer closes its prepared data connection, as a missing file does (README),
        // instead of keeping it for the next command. Normally with FIN; a connection the passive
        // listener had not accepted yet when it closed is reset instead, and that is closed too.
        try
        {
            Assert.Empty(await WireClient.ReadAllAsync(data));
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset })
        {
        }

        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal(overwrite, (await ftp.CommandAsync("APPE theirs.txt", 550)).Text);
        await ftp.CommandAsync("REST 3", 350);
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal(overwrite, (await ftp.CommandAsync("STOR theirs.txt", 550)).Text);
        await ftp.CommandAsync("MFMT 20000101000000 theirs.txt", 550);
        await ftp.CommandAsync("SITE CHMOD 600 theirs.txt", 550);
        Assert.Equal("Permission denied: this account may not delete.", (await ftp.CommandAsync("DELE theirs.txt", 550)).Text);
        Assert.Equal("Permission denied: this account may not rename.", (await ftp.CommandAsync("RNFR theirs.txt", 550)).Text);
        Assert.Equal("Permission denied: this account may not create directories.", (await ftp.CommandAsync("MKD sub", 550)).Text);
        Assert.Equal("someone else's", File.ReadAllText(Path.Combine(home, "theirs.txt")));
        Assert.False(Directory.Exists(Path.Combine(home, "sub")));

        // APPE of a new name creates it (RFC 959 §4.1.3), which an upload may do; a second STOR of it may not.
        await DataHelpers.UploadAsync(ftp, "APPE new.txt", Encoding.UTF8.GetBytes("first"));
        await ftp.CommandAsync("EPSV", 229);
        await ftp.CommandAsync("STOR new.txt", 550);
        Assert.Equal("first", File.ReadAllText(Path.Combine(home, "new.txt")));
        Directory.CreateDirectory(Path.Combine(home, "folder"));
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Is a directory.", (await ftp.CommandAsync("STOR folder", 550)).Text);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("STOR", "APPE", "REST", "MFMT", "RNTO")]
    public async Task Overwrite_allows_replacing_appending_and_resuming()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.Write | UserPermissions.Overwrite | UserPermissions.Rename);
        File.WriteAllText(Path.Combine(home, "file.txt"), "old");
        File.WriteAllText(Path.Combine(home, "other.txt"), "other");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR file.txt", Encoding.UTF8.GetBytes("new"));
        await DataHelpers.UploadAsync(ftp, "APPE file.txt", Encoding.UTF8.GetBytes("er"));
        await ftp.CommandAsync("REST 3", 350);
        await DataHelpers.UploadAsync(ftp, "STOR file.txt", Encoding.UTF8.GetBytes("est"));
        Assert.Equal("newest", File.ReadAllText(Path.Combine(home, "file.txt")));
        await ftp.CommandAsync("MFMT 20000101000000 file.txt", 213);
        await ftp.CommandAsync("RNFR other.txt", 350);
        await ftp.CommandAsync("RNTO file.txt", 250);
        Assert.Equal("other", File.ReadAllText(Path.Combine(home, "file.txt")));
    }

    [Fact]
    [VerbTest("RNFR", "RNTO")]
    public async Task Renaming_onto_an_existing_file_needs_overwrite()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.List | UserPermissions.Write | UserPermissions.Rename);
        File.WriteAllText(Path.Combine(home, "a.txt"), "a");
        File.WriteAllText(Path.Combine(home, "b.txt"), "b");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);
        await ftp.CommandAsync("RNFR a.txt", 350);
        Assert.Equal("Permission denied: this account may not overwrite or change existing files.", (await ftp.CommandAsync("RNTO b.txt", 550)).Text);
        Assert.Equal("b", File.ReadAllText(Path.Combine(home, "b.txt")));
        await ftp.CommandAsync("RNFR a.txt", 350);
        await ftp.CommandAsync("RNTO c.txt", 250);
        Assert.Equal("a", File.ReadAllText(Path.Combine(home, "c.txt")));
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
